
export const __TABLE_VAR__ = sqliteTable('__TABLE__', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
});
