/**
 * Where, and why, a text is not JSON. JSON.parse's messages do not always
 * give a position, and a client developer wants "line 3, column 17:
 * expected a value, found ','". Run only after JSON.parse failed; an
 * explicit stack (no recursion) so deep nesting cannot overflow.
 */
export interface JsonError {
  line: number
  column: number
  position: number
  message: string
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

export function jsonErrorAt(s: string): JsonError | null {
  let i = 0
  const stack: string[] = []
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++
  }
  const fail = (expected: string): JsonError => {
    const before = s.slice(0, i)
    const line = before.split('\n').length
    const found = i >= s.length ? 'the end of the body' : JSON.stringify(s[i])
    return { line, column: i - before.lastIndexOf('\n'), position: i, message: `expected ${expected}, found ${found}` }
  }
  /** Scans a string at i; returns an error or null. */
  const str = (): JsonError | null => {
    i++
    for (;;) {
      if (i >= s.length) return fail('a closing double quote')
      const c = s.charCodeAt(i)
      if (c === 34) return i++, null
      if (c < 32) return fail('no raw control characters inside a string (escape them)')
      if (c === 92) {
        const e = s[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return (i += 1), fail('four hex digits after \\u')
          i += 6
          continue
        }
        if (!e || !'"\\/bfnrt'.includes(e)) return (i += 1), fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)')
        i += 2
        continue
      }
      i++
    }
  }
  let state: 'value' | 'key' | 'after' = 'value'
  for (;;) {
    ws()
    if (state === 'value') {
      const c = s[i]
      if (c === '{' || c === '[') {
        stack.push(c)
        i++
        ws()
        if (s[i] === (c === '{' ? '}' : ']')) (stack.pop(), i++, (state = 'after'))
        else state = c === '{' ? 'key' : 'value'
        continue
      }
      if (c === '"') {
        const e = str()
        if (e) return e
      } else if (s.startsWith('true', i) || s.startsWith('null', i)) i += 4
      else if (s.startsWith('false', i)) i += 5
      else {
        NUMBER.lastIndex = i
        if (!NUMBER.test(s)) return fail('a value (object, array, string, number, true, false or null)')
        i = NUMBER.lastIndex
      }
      state = 'after'
    } else if (state === 'key') {
      if (s[i] !== '"') return fail('a property name in double quotes')
      const e = str()
      if (e) return e
      ws()
      if (s[i] !== ':') return fail("':' after the property name")
      i++
      state = 'value'
    } else {
      const top = stack[stack.length - 1]
      if (!top) return i >= s.length ? null : fail('the end of the body (one JSON value only)')
      if (s[i] === ',') {
        i++
        state = top === '{' ? 'key' : 'value'
      } else if (s[i] === (top === '{' ? '}' : ']')) (stack.pop(), i++)
      else return fail(top === '{' ? "',' or '}'" : "',' or ']'")
    }
  }
}
