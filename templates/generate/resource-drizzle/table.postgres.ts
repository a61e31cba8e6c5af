
export const __TABLE_VAR__ = pgTable('__TABLE__', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
});
