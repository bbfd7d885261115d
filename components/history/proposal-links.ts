/** Where a proposal's review page is. */
export const proposalHref = (table: string, id: string) => `/history/${encodeURIComponent(table)}/proposals/${id}`;
