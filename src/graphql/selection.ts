import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the current field's selection asks for `name` directly under it (through inline
 * fragments and fragment spreads too). Used to skip work nobody asked for, such as a
 * connection's `totalCount`. Conservative: `@skip`/`@include` are not evaluated.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD && sel.name.value === name) return true;
      if (sel.kind === Kind.INLINE_FRAGMENT && visit(sel.selectionSet)) return true;
      if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        if (visit(info.fragments[sel.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
