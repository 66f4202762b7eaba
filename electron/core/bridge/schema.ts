import type { Migration } from '../vault/migrations'

export const bridgeMigrations: Migration[] = []
