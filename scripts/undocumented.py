#!/usr/bin/env python3
"""Lists public declarations without a `///` doc comment in the given Swift files or folders.

A declaration needs one when it is marked `public` or `open` (followed by more of the declaration:
a variable named `open`, as in `open.append(x)`, is not one), or when it is an enum case of a
public enum. Attributes (`@inlinable`, `@discardableResult`, ...) between the comment and the
declaration are skipped. Prints `file:line: declaration` for each one missing and a count; exits 1
when any is missing. Usage: scripts/undocumented.py Sources/Geo [more files or folders]
"""
import os
import re
import sys

DECL = re.compile(r'^\s*(?:@[\w()., "]+\s+)*(?:(?:public|open|final|static|class|nonisolated|mutating|override|convenience|required|indirect|@\w+)\s+)*(public|open)(?=\s+[A-Za-z_@])')
TYPE = re.compile(r'\b(enum|struct|class|actor|protocol|extension)\s+([\w.]+)')
CASE = re.compile(r'^\s*(?:indirect\s+)?case\s+\w')


def strip_strings(line):
    # Drops string literals and // comments so braces inside them are not counted.
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    return line.split('//', 1)[0]


def check(path):
    missing = []
    lines = open(path, encoding='utf-8').read().split('\n')
    stack = []  # (kind, public) per open brace
    pending = None  # a type declaration seen, waiting for its brace
    in_block_comment = False
    in_multiline_string = False
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if in_multiline_string:
            if text.endswith('"""') or text == '"""':
                in_multiline_string = False
            continue
        if in_block_comment:
            if '*/' in text:
                in_block_comment = False
            continue
        if text.startswith('/*'):
            in_block_comment = '*/' not in text
            continue
        if text.startswith('//'):
            continue
        enclosing = stack[-1] if stack else (None, True)
        needs = False
        if DECL.match(raw):
            needs = True
        elif CASE.match(raw) and not text.endswith(':') and enclosing[0] == 'enum' and enclosing[1]:
            needs = True
        if needs:
            j = number - 2
            while j >= 0 and lines[j].strip().startswith('@'):
                j -= 1
            previous = lines[j].strip() if j >= 0 else ''
            if not (previous.startswith('///') or previous.endswith('*/')):
                missing.append((number, text))
        code = strip_strings(raw)
        if code.count('"""') % 2 == 1:
            in_multiline_string = True
        m = TYPE.search(code)
        if m and not code.lstrip().startswith(('case', 'return', 'if', 'guard')):
            is_public = bool(re.search(r'\b(public|open)\b', code)) or m.group(1) == 'extension'
            pending = (m.group(1), is_public)
        for ch in code:
            if ch == '{':
                if pending:
                    stack.append(pending)
                    pending = None
                else:
                    stack.append(('block', False))
            elif ch == '}':
                if stack:
                    stack.pop()
    return missing


def main(arguments):
    files = []
    for a in arguments or ['Sources/Geo']:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith('.swift')]
        else:
            files.append(a)
    total = 0
    for f in sorted(files):
        for number, text in check(f):
            print(f'{f}:{number}: {text}')
            total += 1
    print(f'{total} public declaration(s) without a doc comment in {len(files)} file(s)')
    return 1 if total else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
