import { GraphQLScalarType, Kind } from 'graphql';
import { Decimal } from 'decimal.js';

/** Money and rates: a decimal string in and out (`"400000.10"`), never a float. */
export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "400000.10"; rates are yearly fractions ("0.085")',
  serialize(value) {
    if (value instanceof Decimal) return value.toFixed();
    if (typeof value === 'string') return new Decimal(value).toFixed();
    throw new TypeError('Decimal fields must be resolved from a Decimal or a string');
  },
  parseValue(value) {
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) {
      throw new TypeError(`Decimal must be a string of digits such as "1234.56", got ${JSON.stringify(value)}`);
    }
    return new Decimal(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !/^-?\d+(\.\d+)?$/.test(ast.value)) {
      throw new TypeError('Decimal must be a string of digits such as "1234.56"');
    }
    return new Decimal(ast.value);
  },
});
