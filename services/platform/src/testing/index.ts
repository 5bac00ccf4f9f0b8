export { waitFor } from './wait-for.ts';
export { uniqueName } from './unique.ts';
