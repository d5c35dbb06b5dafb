import { GraphQLScalarType, Kind } from 'graphql';
import { Decimal } from 'decimal.js';

/** Money and rates: a decimal string in and out (`"400000.10"`), never a float. */
export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string with at least two decimals, e.g. "400000.10"; rates are yearly fractions ("0.085")',
  // At least two decimals, so that money reads as money ("599999.90"); more when the value has
  // them ("0.085"). Exact either way: nothing is rounded.
  serialize(value) {
    if (!(value instanceof Decimal) && typeof value !== 'string') {
      throw new TypeError('Decimal fields must be resolved from a Decimal or a string');
    }
    const d = new Decimal(value);
    return d.toFixed(Math.max(2, d.decimalPlaces()));
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
