/** The moments UI, loaded on demand (see lazy.ts): the five components and the layer that renders them. */
export { createLayer } from './layer'
export { VERSION as version } from '../version'
