import { defineTopic, read } from '../../src/events/catalogue.js';

declare module '../../src/events/catalogue.js' {
  interface EventCatalogue {
    /** Tests' own topic: no domain reacts to it. */
    'test.event': { id: string };
  }
}

export const TEST_TOPIC = defineTopic('test.event', (raw) => ({ id: read.str(raw, 'id') }));
