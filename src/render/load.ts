import type { UI } from './lazy'

/**
 * npm builds: the UI is a chunk the app's bundler splits off and loads on
 * demand. The script-tag build swaps this module for load-script.ts.
 */
export const loadUI = (): Promise<UI> => import('./ui')
