import { ArgsType, Field, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/cursor.js';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });


@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page' })
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Read only when the query selects it: a connection built with a count function counts then. */
  readonly totalCount: number | Promise<number>;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Matching items across all pages' })
    totalCount!: number;
  }
  return ConnectionClass;
}


/** An edge whose cursor is encoded only if the query asks for it. */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

/** Wraps rows fetched with `limit + 1` into a connection. */
export function toConnection<T>(
  rows: T[],
  limit: number,
  totalCount: number | (() => Promise<number>),
  cursorOf: (row: T) => string,
): Connection<T> {
  const hasNextPage = rows.length > limit;
  const page = hasNextPage ? rows.slice(0, limit) : rows;
  const edges = page.map((node) => new LazyEdge(node, cursorOf));
  const last = page[page.length - 1];
  const pageInfo = { hasNextPage, endCursor: last === undefined ? null : cursorOf(last) };
  if (typeof totalCount === 'number') return { edges, pageInfo, totalCount };
  // A getter: the count runs only if `totalCount` is selected (once, however many aliases ask),
  // alongside the page's relations.
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo,
    get totalCount() {
      return (counted ??= totalCount());
    },
  };
}
