import { TableDetailsSkeleton } from '@/components/catalog/table-details';

export default function Loading() {
  return <TableDetailsSkeleton />;
}
