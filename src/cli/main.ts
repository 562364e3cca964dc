// Entry of `dist/cli.js` (the `momentkit` bin). The commands live in cli.ts, which tests import.
import { main } from './cli'

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
