"""Operators on objects of the user's classes made inside the differentiated function
(``u + v`` of a small vector class, ``3.0 * d`` of a dual number, ``-v``, ``A @ B``):
read as the methods Python runs (compiler/operator_methods.py), inlined as methods
are; classmethod constructors (``Shape.make(r)``).  Checked against central
differences, forward mode too; what cannot be decided by the classes alone refused at
the user's line.  (Were refused as objects made inside.)"""
from __future__ import annotations

import linecache
import math
from dataclasses import dataclass

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, numerical_grad


class Vec2:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return Vec2(self.x + o.x, self.y + o.y)

    def __sub__(self, o):
        return Vec2(self.x - o.x, self.y - o.y)

    def __mul__(self, s):
        return Vec2(self.x * s, self.y * s)

    def __rmul__(self, s):
        return Vec2(s * self.x, s * self.y)

    def __neg__(self):
        return Vec2(-self.x, -self.y)

    def __truediv__(self, s):
        return Vec2(self.x / s, self.y / s)

    def dot(self, o):
        return self.x * o.x + self.y * o.y

    def norm(self):
        return math.sqrt(self.dot(self))


class Dual:
    """A dual number whose methods branch on the other operand's class."""

    def __init__(self, v, d):
        self.v = v
        self.d = d

    def __add__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v + o.v, self.d + o.d)
        return Dual(self.v + o, self.d)

    __radd__ = __add__

    def __sub__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v - o.v, self.d - o.d)
        return Dual(self.v - o, self.d)

    def __rsub__(self, o):
        return Dual(o - self.v, -self.d)

    def __mul__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v * o.v, self.v * o.d + self.d * o.v)
        return Dual(self.v * o, self.d * o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v ** 2)
        return Dual(self.v / o, self.d / o)

    def __rtruediv__(self, o):
        return Dual(o / self.v, -o * self.d / self.v ** 2)

    def __pow__(self, n):
        return Dual(self.v ** n, n * self.v ** (n - 1) * self.d)


# ----- a small vector class --------------------------------------------------------

def vectors_added(a):
    u = Vec2(a, 2.0 * a)
    v = Vec2(math.sin(a), a * a)
    w = u + v
    return w.x * w.y


def scaled_negated_subtracted(a):
    u = Vec2(a, 1.0)
    v = Vec2(2.0, a)
    w = 3.0 * u - (-v)
    return w.norm()


def divided_then_method(a):
    u = Vec2(a, a ** 2)
    return ((u * 2.0) / (1.0 + a * a)).dot(u)


def added_in_place(a):
    p = Vec2(a, a)
    p += Vec2(1.0, a * a)
    return p.x * p.y


def items_of_a_list(a):
    vs = [Vec2(a, 1.0), Vec2(2.0, a)]
    t = vs[0] + vs[1]
    return t.x * t.y


@pytest.mark.parametrize("f", [vectors_added, scaled_negated_subtracted, divided_then_method,
                               added_in_place, items_of_a_list])
def test_vector_operators(f):
    check_grad(f, 0.7)
    check_jvp(f, 0.7)


def stepped(a):
    p = Vec2(a, 0.0)
    v = Vec2(0.0, 1.0)
    for _ in range(4):
        p = p + v * 0.1
        v = v - p * 0.1
    return p.x + p.y


def branch_in_loop(a):
    p = Vec2(a, 1.0)
    v = Vec2(0.5, a)
    for _ in range(3):
        if p.x > 0.0:
            p = p + v * a
        else:
            p = p - v
    return p.x * p.y


def test_records_carried_through_a_loop():
    check_grad(stepped, 0.7)
    check_jvp(stepped, 0.7)
    check_hessian(stepped, 0.7)


@pytest.mark.parametrize("a", [0.7, -2.5])  # (both branches: p.x stays positive / not)
def test_a_branch_on_a_field(a):
    check_grad(branch_in_loop, a)
    check_jvp(branch_in_loop, a)


# ----- dual numbers: methods that branch on the operand's class --------------------

def dual_polynomial(x):
    d = Dual(x, 1.0)
    e = d * d + 3.0 * d + 1.0
    return e.v + e.d


def dual_rational(x):
    d = Dual(x, 1.0)
    e = (d ** 3 - 2.0 * d + 1.0) / (1.0 + d * d)
    return e.v * e.d


def reflected_operators(x, s):
    d = Dual(x, 1.0)
    e = 1.0 / d + (3.0 - d) * s + s * d
    return e.v * e.d


def newton_with_duals(x):
    y = x
    for _ in range(3):
        f = Dual(y, 1.0) * Dual(y, 1.0) - 2.0
        y = y - f.v / f.d
    return y * x


def dual_branch(x):
    d = Dual(x, 1.0)
    if x > 0:
        e = d * d
    else:
        e = d + d * 3.0
    return e.v * e.d


@pytest.mark.parametrize("f", [dual_polynomial, dual_rational, newton_with_duals])
def test_dual_numbers(f):
    check_grad(f, 0.7)
    check_jvp(f, 0.7)
    check_hessian(f, 0.7)


def test_a_number_parameter_on_the_left():
    """``s * d``: a float's ``__mul__`` declines the object; ``d.__rmul__(s)``."""
    check_grad(reflected_operators, 0.7, 1.5, wrt=(0, 1))
    check_jvp(reflected_operators, 0.7, 1.5, wrt=(0, 1))


@pytest.mark.parametrize("x", [0.7, -1.3])
def test_a_branch_on_data_with_dual_numbers(x):
    check_grad(dual_branch, x)
    check_jvp(dual_branch, x)


# ----- arrays in the fields ----------------------------------------------------------

class Mat:
    def __init__(self, A):
        self.A = A

    def __matmul__(self, o):
        return Mat(self.A @ o.A)

    def trace(self):
        return np.trace(self.A)


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __add__(self, o):
        return Affine(self.W + o.W, self.b + o.b)

    def __mul__(self, s):
        return Affine(self.W * s, self.b * s)

    def __call__(self, h):
        return np.tanh(self.W @ h + self.b)


def matrix_squared(A):
    m = Mat(A)
    return (m @ m @ m).trace()


def affines_mixed(W):
    a = Affine(W, np.ones(2))
    b = Affine(W.T, np.zeros(2))
    c = a + b * 0.5
    return np.sum(c(np.array([1.0, -1.0])) ** 2)


@pytest.mark.parametrize("f", [matrix_squared, affines_mixed])
def test_fields_holding_arrays(f):
    W = np.array([[0.1, 0.2], [0.3, -0.4]])
    check_grad(f, W)
    check_jvp(f, W)


@dataclass
class Point:
    x: float
    y: float

    def __add__(self, o):
        return Point(self.x + o.x, self.y + o.y)

    def __mul__(self, s):
        return Point(self.x * s, self.y * s)


def dataclass_operators(a):
    p = Point(a, 1.0) + Point(2.0, a) * a
    return p.x * p.y


def test_a_dataclass_with_operators():
    check_grad(dataclass_operators, 0.7)
    check_jvp(dataclass_operators, 0.7)


def added_to_an_argument(a, offset):
    w = Vec2(a, a * a) + offset
    return w.x * w.y


def test_an_object_passed_in_as_the_other_operand():
    offset = Vec2(0.3, -0.2)  # (compared by hand: a Vec2 has no __eq__ to check it kept)
    expected = numerical_grad(added_to_an_argument, (0.7, offset))
    assert s2sad.grad(added_to_an_argument)(0.7, offset) == pytest.approx(expected, rel=1e-6)
    assert (offset.x, offset.y) == (0.3, -0.2)


# ----- classmethod and staticmethod constructors ----------------------------------

class Shape:
    def __init__(self, r):
        self.r = r

    @classmethod
    def make(cls, r):
        return cls(2.0 * r)

    @staticmethod
    def zero():
        return Shape(0.0)

    def __add__(self, o):
        return Shape(self.r + o.r)

    @property
    def area(self):
        return math.pi * self.r ** 2


def made_by_classmethods(r):
    s = Shape.make(r) + Shape.zero() + Shape.make(r * r)
    return s.area


def classmethod_in_a_branch(r):
    s = Shape.make(r) if r > 0 else Shape(-r)
    return s.area + s.r


def test_classmethod_constructors():
    check_grad(made_by_classmethods, 0.7)
    check_jvp(made_by_classmethods, 0.7)
    check_hessian(made_by_classmethods, 0.7)


@pytest.mark.parametrize("r", [0.7, -1.2])
def test_classmethod_constructor_in_a_branch(r):
    check_grad(classmethod_in_a_branch, r)
    check_jvp(classmethod_in_a_branch, r)


# ----- refused at the user's line ---------------------------------------------------

class Declining:
    def __init__(self, a):
        self.a = a

    def __add__(self, o):
        if not isinstance(o, Declining):
            return NotImplemented
        return Declining(self.a + o.a)


class InPlace:
    def __init__(self, a):
        self.a = a

    def __add__(self, o):
        return InPlace(self.a + o.a)

    def __iadd__(self, o):
        self.a = self.a + o.a
        return self


def may_decline(x):
    n = Declining(x) + Declining(2.0 * x)
    return n.a


def array_on_the_left(x):
    w = x * Vec2(x[0], x[1])
    return w.x[0]


def in_place_method(x):
    p = InPlace(x)
    p += InPlace(x * x)
    return np.sum(p.a)


def reached_through_a_dict(x):
    d = {"u": Vec2(x, 1.0)}
    w = d["u"] + d["u"]
    return np.sum(w.x)


def summed_from_an_item(x):
    vs = [Vec2(x, 1.0), Vec2(2.0, x)]
    t = vs[0]
    for k in range(1, 2):
        t = t + vs[k]
    return np.sum(t.x)


@pytest.mark.parametrize("f, line", [
    (summed_from_an_item, "t = t + vs[k]"),
    (may_decline, "n = Declining(x) + Declining(2.0 * x)"),
    (array_on_the_left, "w = x * Vec2(x[0], x[1])"),
    (in_place_method, "p += InPlace(x * x)"),
    (reached_through_a_dict, 'w = d["u"] + d["u"]'),
])
def test_what_the_classes_do_not_decide_is_refused(f, line):
    x = np.array([0.5, 1.5])
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(x)
    where = str(err.value).split(":")
    assert where[0].endswith("test_operator_methods.py")
    assert linecache.getline(where[0], int(where[1])).strip() == line


def counter_times_vector(a):
    p = Vec2(a, 1.0)
    v = Vec2(1.0, a)
    for k in range(3):
        p = p + k * v  # (a range counter is an int: v.__rmul__(k))
    return p.x * p.y


def test_a_loop_counter_on_the_left():
    check_grad(counter_times_vector, 0.7)
    check_jvp(counter_times_vector, 0.7)


class Poly:
    def __init__(self, c):
        self.c = c

    def __len__(self):
        return len(self.c)

    def __getitem__(self, i):
        return self.c[i]


def indexed_polynomial(c):
    p = Poly(c)
    s = 0.0
    for i in range(len(p)):
        s = s + p[i] ** 2
    return s


def test_indexing_and_len_are_refused_naming_them():
    """``p[i]`` of a record would be its i-th field: refused, the methods named."""
    with pytest.raises(s2sad.DifferentiationError, match="__getitem__, __len__") as err:
        s2sad.grad(indexed_polynomial)(np.array([1.0, 0.5]))
    assert "test_operator_methods.py:" in str(err.value)


def compared_by_identity(a):
    u = Vec2(a, 1.0)
    v = Vec2(a, 1.0)
    if u == v:  # (False in Python: two objects; a record of the fields would say True)
        return u.x * 2.0
    return u.x * 3.0


def compared_to_none(a, o=None):
    u = Vec2(a, 1.0)
    if u is not None:
        return u.x * 2.0
    return u.x * 3.0


def test_comparing_objects_made_inside_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="comparison of an object of class "
                       "Vec2") as err:
        s2sad.grad(compared_by_identity)(0.7)
    assert "test_operator_methods.py:" in str(err.value)


def test_is_none_of_an_object_made_inside_is_decided():
    check_grad(compared_to_none, 0.7)
    assert s2sad.grad(compared_to_none)(0.7) == pytest.approx(2.0)


class Scaled:
    """``*`` by a number or by another vector (a dot product), told apart by isinstance."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __mul__(self, o):
        if isinstance(o, (int, float)):
            return Scaled(self.x * o, self.y * o)
        if isinstance(o, tuple):  # (never for a Scaled: a record is a tuple, it is not)
            return Scaled(self.x * o[0], self.y * o[1])
        return self.x * o.x + self.y * o.y

    __rmul__ = __mul__


def scaled_then_dotted(a):
    u = Scaled(a, 2.0)
    w = 3.0 * u * a
    return u * w


def test_isinstance_against_builtin_classes():
    check_grad(scaled_then_dotted, 0.7)
    check_jvp(scaled_then_dotted, 0.7)
    assert s2sad.grad(scaled_then_dotted)(0.7) == pytest.approx(3 * 3 * 0.7 ** 2 + 4 * 3)


def dotted_with_one_from_a_dict(a):
    held = {"u": Scaled(a, 2.0)}
    return Scaled(1.0, a) * held["u"]  # (the operand's class not known when read: the
    # method's isinstance(o, tuple) asked at run time, as of the object, False)


def test_isinstance_of_an_object_not_followed():
    check_grad(dotted_with_one_from_a_dict, 0.7)
    assert s2sad.grad(dotted_with_one_from_a_dict)(0.7) == pytest.approx(3.0)  # (a + 2a)


class Repeated:
    def __init__(self, v):
        self.v = v

    def __rmul__(self, k):
        if isinstance(k, int):
            return Repeated(self.v * k)
        return Repeated(self.v * k * 2.0)


def numpy_number_on_the_left(x, k):
    return (k * Repeated(x)).v


@pytest.mark.parametrize("k, slope", [(np.int64(3), 3.0), (np.float32(2.0), 4.0), (3, 3.0)])
def test_a_numpy_number_on_the_left_is_given_as_python_gives_it(k, slope):
    """``np.int64(3) * r`` calls ``r.__rmul__(3)`` with a Python int: the method's
    ``isinstance(k, int)`` holds, as it does here."""
    assert numpy_number_on_the_left(0.7, k) == pytest.approx(0.7 * slope)
    assert s2sad.grad(numpy_number_on_the_left)(0.7, k) == pytest.approx(slope)
    check_jvp(numpy_number_on_the_left, 0.7, k)


class Coefficients:
    def __init__(self, c):
        self.c = c

    def __add__(self, o):
        return Coefficients(self.c + o.c)

    def __mul__(self, s):
        return Coefficients(self.c * s)

    def __call__(self, x):
        return np.polyval(self.c, x)

    def blend(self, o, t):
        return self * (1.0 - t) + o * t


def called_sum(c):
    p = Coefficients(c)
    return (p + p * c[0])(0.5)


def blended_in_a_branch(c):
    p, q = Coefficients(c), Coefficients(c * c)
    r = p.blend(q, 0.3) if c[0] > 0 else q.blend(p, 0.6)
    return r(0.5) + r(-1.0)


def stepped_by_a_helper(c):
    def step(p, v):
        return p + v * 0.1
    p = Coefficients(c)
    for _ in range(3):
        p = step(p, Coefficients(np.sin(c)))
    return p(0.3)


C = np.array([1.0, -0.5, 2.0])


@pytest.mark.parametrize("f", [called_sum, stepped_by_a_helper])
def test_call_of_an_operator_result_and_helpers(f):
    check_grad(f, C)
    check_jvp(f, C)


@pytest.mark.parametrize("c", [C, -C])
def test_operators_in_methods_in_both_branches(c):
    check_grad(blended_in_a_branch, c)
    check_jvp(blended_in_a_branch, c)
