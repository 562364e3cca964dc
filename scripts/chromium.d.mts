/** Types for scripts/chromium.mjs, so playwright.config.ts type-checks. */
export declare const ENV_VARS: string[]
export declare const SYSTEM_PATHS: string[]
export declare const HOW_TO_INSTALL: string
/** The Chromium executable to use, or null. Never installs. Throws on a bad env override. */
export declare function findChromium(env?: Record<string, string | undefined>): string | null
/** findChromium, installing Debian's chromium with apt-get when root and none is found. */
export declare function ensureChromium(options?: { install?: boolean }): string | null
