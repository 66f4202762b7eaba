import type { Migration } from '../vault/migrations'

export const backupMigrations: Migration[] = []
