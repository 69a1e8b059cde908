"""deriv: Gabriel's symbolic derivative benchmark, repeated.  Expressions are
nested Python lists with strings for symbols.  Args: REPEAT.  Prints the
derivative of the last round in Scheme's written form."""
import sys


def deriv(a):
    if not isinstance(a, list):
        return 1 if a == "x" else 0
    op = a[0]
    if op == "+":
        return ["+"] + [deriv(e) for e in a[1:]]
    if op == "-":
        return ["-"] + [deriv(e) for e in a[1:]]
    if op == "*":
        return ["*", a, ["+"] + [["/", deriv(e), e] for e in a[1:]]]
    if op == "/":
        return ["-", ["/", deriv(a[1]), a[2]], ["/", a[1], ["*", a[2], a[2], deriv(a[2])]]]
    raise ValueError("no derivation method for " + str(op))


def write(e):
    if isinstance(e, list):
        return "(" + " ".join(write(x) for x in e) + ")"
    return str(e)


expr = ["+", ["*", 3, "x", "x"], ["*", "a", "x", "x"], ["*", "b", "x"], 5]
last = None
for _ in range(int(sys.argv[1])):
    last = deriv(expr)
print(write(last))
