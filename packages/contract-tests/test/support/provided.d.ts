// The values the run's globalSetup (@hss-export/mock/vitest) provides, for inject().
export type {} from '@hss-export/mock/vitest';
