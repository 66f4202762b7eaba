import type { Migration } from '../vault/migrations'

export const homeassistantMigrations: Migration[] = []
