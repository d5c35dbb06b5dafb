import type { AuthChecker } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { forbidden, unauthenticated } from '../core/errors.js';
import type { Role } from './api-key.entity.js';

/** `@Authorized(...roles)`: no viewer is UNAUTHENTICATED, a role outside the list FORBIDDEN. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  if (roles.length && !roles.includes(context.viewer.role)) {
    throw forbidden(`role ${context.viewer.role} may not do this; allowed: ${roles.join(', ')}`);
  }
  return true;
};
