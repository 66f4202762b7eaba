import type { Migration } from '../vault/migrations'

export const providersMigrations: Migration[] = []
