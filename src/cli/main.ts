// Placeholder entry so the build stays green; the CLI is being written (issue 6).
console.error('momentkit: the command-line tool is not built yet')
process.exitCode = 1
