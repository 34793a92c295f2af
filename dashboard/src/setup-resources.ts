/**
 * Products, strategies and goals as the setup pages show them: each resource's path, names and
 * fields, from which one page and one form are made.
 */

export interface SetupField {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'url' | 'knowledge_bases' | 'follow_up';
  required: boolean;
}

export interface SetupResource {
  section: string;
  path: string;
  singular: string;
  plural: string;
  fields: readonly SetupField[];
}

export const SETUP_RESOURCES: readonly SetupResource[] = [
  {
    section: 'products',
    path: '/v1/products',
    singular: 'product',
    plural: 'Products',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'description', label: 'Description', kind: 'textarea', required: true },
      { name: 'price', label: 'Price', kind: 'text', required: false },
      { name: 'knowledge_base_ids', label: 'Knowledge bases', kind: 'knowledge_bases', required: false },
    ],
  },
  {
    section: 'strategies',
    path: '/v1/strategies',
    singular: 'strategy',
    plural: 'Strategies',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'instructions', label: 'Instructions', kind: 'textarea', required: true },
      { name: 'tone', label: 'Tone', kind: 'text', required: false },
      { name: 'follow_up', label: 'Follow-ups', kind: 'follow_up', required: false },
    ],
  },
  {
    section: 'goals',
    path: '/v1/goals',
    singular: 'goal',
    plural: 'Goals',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'description', label: 'Description', kind: 'textarea', required: true },
      { name: 'goal_url', label: 'Goal URL', kind: 'url', required: true },
    ],
  },
];

/** A resource as the API returns it: an id and a name, and the fields above. */
export type SetupItem = { id: string; name: string } & Record<string, unknown>;
