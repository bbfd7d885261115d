/** ISO code lists DQX validates against (copied as data from DQX 0.17.0's `resources/`). */
import codes from '../data/iso-codes.json';

export interface IsoStandard {
  title: string;
  kind: 'country' | 'currency' | 'language';
  defaultFormat: string;
  formats: Record<string, readonly string[]>;
}

export const ISO_STANDARDS = {
  'ISO 3166-1': {
    title: 'ISO 3166-1',
    kind: 'country',
    defaultFormat: 'alpha-2',
    formats: {
      'alpha-2': codes.iso3166_1_alpha2,
      'alpha-3': codes.iso3166_1_alpha3,
      numeric: codes.iso3166_1_numeric,
    },
  },
  'ISO 4217': {
    title: 'ISO 4217',
    kind: 'currency',
    defaultFormat: 'alphabetic',
    formats: { alphabetic: codes.iso4217_alphabetic, numeric: codes.iso4217_numeric },
  },
  'ISO 639': {
    title: 'ISO 639',
    kind: 'language',
    defaultFormat: 'alpha-2',
    formats: { 'alpha-2': codes.iso639_1_alpha2, 'alpha-3': codes.iso639_3_alpha3 },
  },
} as const satisfies Record<string, IsoStandard>;

export type IsoStandardName = keyof typeof ISO_STANDARDS;

export const ISO_3166_2: readonly string[] = codes.iso3166_2;

export const isoFormatsFor = (standard: IsoStandardName): string[] =>
  Object.keys(ISO_STANDARDS[standard].formats);

export const CHECK_STANDARD: Record<string, IsoStandardName> = {
  is_valid_country_code: 'ISO 3166-1',
  is_valid_currency_code: 'ISO 4217',
  is_valid_language_code: 'ISO 639',
};
