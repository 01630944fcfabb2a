"""Objects of a plain class made inside the differentiated function (``p = Particle(x,
v)``; ``layer = Affine(W, b)`` then ``layer(h)``): built as records of the attributes
``__init__`` stores (compiler/class_records.py), their attribute reads read as the
items (compiler/record_reads.py); checked against central differences; what is more
than storing attributes refused at the user's line."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_source

X = np.array([0.3, -1.2, 0.7])
V = np.array([1.0, 2.0, -0.5])
W = np.array([[0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]])


class Particle:
    def __init__(self, x, v):
        """A particle (a docstring is skipped)."""
        self.x = x
        self.v = v

    def energy(self):
        return 0.5 * np.sum(self.v ** 2) + np.sum(np.cos(self.x))


def particle_energy(x, v):
    p = Particle(x, v)
    return p.energy()


class Box:
    def __init__(self, a, scale=2.0):
        self._a = a
        self.n = len(a)
        self.total: float = np.sum(self._a) * scale

    def mean(self):
        return self.total / self.n


def two_boxes(x):
    p = Box(x)
    q = Box(x ** 2, scale=0.5)
    return p.mean() * q.mean() + np.sum(p._a * q._a)


class Base:
    def __init__(self, w):
        self.w = w

    def __call__(self, h):
        return np.tanh(self.w * h)


class Child(Base):
    def extra(self, h):
        return self(h) ** 2


def inherited_init(x):
    c = Child(x)
    return np.sum(c.extra(x[::-1])) + float(isinstance(c, Base))


class Lin:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, h):
        return self.W @ h + self.b


def layers_in_a_loop(W, x):
    h = x
    for t in range(3):
        layer = Lin(W * (t + 1), x)
        h = np.tanh(layer(h))
    return np.sum(h)


def loss_of(model, x):
    return np.sum(model(x) ** 2)


def passed_to_a_helper(W, x):
    m = Lin(W, x)
    return loss_of(m, x)


class Poly:
    def __init__(self, coefs):
        self.coefs = list(coefs)

    def __call__(self, t):
        s = 0.0
        for c in self.coefs:
            s = s * t + c
        return s


def list_attribute(x):
    p = Poly([x[0], x[1], x[2]])
    return p(0.5) + p(x[0])


class Scaled:
    def __init__(self, w):
        self.w = w
        self.norm = np.linalg.norm(self.w)

    def unit(self):
        return self.w / self.norm


def branch_on_an_attribute(x):
    s = Scaled(x)
    if s.norm > 1.0:
        return np.sum(s.unit() ** 3)
    return np.sum(s.w ** 2)


@pytest.mark.parametrize("f, args", [
    (particle_energy, (X, V)), (two_boxes, (X,)), (inherited_init, (X,)),
    (layers_in_a_loop, (W, X)), (passed_to_a_helper, (W, X)), (list_attribute, (X,)),
    (branch_on_an_attribute, (X,)), (branch_on_an_attribute, (0.2 * X,)),
])
def test_gradient_of_objects_made_inside(f, args):
    for i in range(len(args)):
        check_grad(f, *args, wrt=i)


def test_closed_form_of_a_particle_energy():
    dx, dv = s2sad.grad(particle_energy, wrt=(0, 1))(X, V)
    np.testing.assert_allclose(dx, -np.sin(X), rtol=1e-12)
    np.testing.assert_allclose(dv, V, rtol=1e-12)


@pytest.mark.parametrize("f", [two_boxes, inherited_init, list_attribute])
def test_forward_mode_and_second_order(f):
    check_jvp(f, X)
    check_hessian(f, X)


def test_attribute_reads_are_the_items():
    source = grad_source(particle_energy, X, V)
    assert "getattr(" not in source and "named_tuple" not in source
    assert "getattr(" not in grad_source(layers_in_a_loop, W, X)


Point = namedtuple("Point", "x y")


@dataclass
class Params:
    w: np.ndarray
    b: float


def named_tuple_built(x):
    p = Point(x, x ** 2)
    return np.sum(p.x * p.y)


def dataclass_built(x):
    p = Params(x, 0.5)
    return np.sum(np.tanh(p.w * p.b))


@pytest.mark.parametrize("f", [named_tuple_built, dataclass_built])
def test_named_tuples_and_dataclasses_built_read_as_items(f):
    check_grad(f, X)
    assert "getattr(" not in grad_source(f, X)


class Mutating:
    def __init__(self, x):
        self.x = x

    def step(self):
        self.x = self.x * 2.0


def mutated_by_a_method(x):
    m = Mutating(x)
    m.step()
    return np.sum(m.x)


class Conditional:
    def __init__(self, x):
        if np.sum(x) > 0:
            self.x = x
        else:
            self.x = -x


def conditional_init(x):
    return np.sum(Conditional(x).x ** 3)


def written_through_another_name(x):
    y = x * 1.0
    p = Box(y)
    y[0] = 5.0
    return np.sum(p._a ** 2) + p.total


def test_a_method_storing_into_self_is_a_new_record():
    """(Was refused; tests/test_field_writes.py has the variations.)"""
    check_grad(mutated_by_a_method, np.array([0.5, -1.0]))


@pytest.mark.parametrize("f, line", [
    (conditional_init, "return np.sum(Conditional(x).x ** 3)"),
    (written_through_another_name, "y[0] = 5.0"),
])
def test_what_is_more_than_storing_attributes_is_refused(f, line):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(X)
    where = str(err.value).split(":")
    assert where[0].endswith("test_class_records.py")
    import linecache
    assert linecache.getline(where[0], int(where[1])).strip() == line


# ----- a property of the user's class: its getter inlined (was read as a missing field) --

@dataclass
class Weighted:
    w: np.ndarray

    @property
    def scale(self):
        return np.sum(self.w ** 2)


def property_of_an_argument(p, x):
    return np.sum(p.w * x) * p.scale


def property_of_a_dataclass_built(w, x):
    p = Weighted(w)
    return np.sum(p.w * x) * p.scale


class Gated:
    def __init__(self, w):
        self.w = w

    @property
    def gate(self):
        return 1.0 / (1.0 + np.exp(-self.w))

    @staticmethod
    def act(z):
        return np.tanh(z)

    def __call__(self, x):
        return self.act(self.gate * x) * self.gate


def property_read_in_a_method(w, x):
    m = Gated(w)
    return np.sum(m(x)) + np.sum(m.gate)


def test_property_of_a_dataclass_argument_closed_form():
    (dp,) = s2sad.grad(property_of_an_argument)(Weighted(V), X),
    expected = X * np.sum(V ** 2) + np.sum(V * X) * 2 * V
    np.testing.assert_allclose(dp.w, expected, rtol=1e-12)


@pytest.mark.parametrize("f", [property_of_a_dataclass_built, property_read_in_a_method])
def test_properties_read_through_their_getters(f):
    check_grad(f, V, X, wrt=0)
    check_grad(f, V, X, wrt=1)
    check_jvp(f, V, X)


# ----- lists of such objects: loops, comprehensions and items read their methods -----

class Body:
    def __init__(self, pos, mass):
        self.pos = pos
        self.mass = mass

    def kinetic(self, vel):
        return 0.5 * self.mass * np.sum(vel ** 2)


def pair_energy(P, m):
    bodies = [Body(P[i], m[i]) for i in range(P.shape[0])]
    E = 0.0
    for i, a in enumerate(bodies):
        for b in bodies[i + 1:]:
            E = E - a.mass * b.mass / np.linalg.norm(a.pos - b.pos)
    return E


def listed_then_summed(P, m):
    bodies = [Body(P[0], m[0]), Body(P[1], m[1])]
    return sum(b.kinetic(b.pos) for b in bodies)


def items_called(P, m):
    bodies = [Body(P[i], m[i]) for i in range(3)]
    return bodies[0].kinetic(P[1]) + bodies[2].mass * np.sum(bodies[1].pos)


def reversed_slice_loop(P, m):
    bodies = [Body(P[i], m[i]) for i in range(4)]
    s = 0.0
    for b in reversed(bodies[1:]):
        s = s * 0.5 + b.kinetic(P[0] * b.mass)
    return s


def pairs_in_a_comprehension(P, m):
    bodies = [Body(P[i], m[i]) for i in range(P.shape[0])]
    return sum(a.mass * b.kinetic(a.pos - b.pos) for a in bodies for b in bodies)


PS = np.array([[0.0, 0.1], [1.0, 0.3], [0.4, 1.2], [-0.5, 0.7]])
MS = np.array([1.0, 2.0, 0.5, 1.5])


@pytest.mark.parametrize("f", [pair_energy, listed_then_summed, items_called,
                               reversed_slice_loop, pairs_in_a_comprehension])
def test_lists_of_objects_made_inside(f):
    check_grad(f, PS, MS, wrt=0)
    check_grad(f, PS, MS, wrt=1)


def test_kinetic_energy_closed_form():
    dm = s2sad.grad(listed_then_summed, wrt=1)(PS, MS)
    np.testing.assert_allclose(dm, [0.5 * np.sum(PS[0] ** 2), 0.5 * np.sum(PS[1] ** 2), 0, 0],
                               rtol=1e-12)


def list_changed_after(P, m):
    bodies = [Body(P[i], m[i]) for i in range(2)]
    bodies.append(P[2])
    return sum(b.kinetic(b.pos) for b in bodies)


def test_a_list_changed_after_it_is_built_is_not_taken_for_records():
    with pytest.raises(s2sad.DifferentiationError, match="test_class_records.py:"):
        s2sad.grad(list_changed_after)(PS, MS)


def method_of_an_object_not_named(x, v):
    return Particle(x, v).energy() + Box(x * v).mean() + Box(v).total


def test_methods_of_objects_not_bound_to_a_name():
    check_grad(method_of_an_object_not_named, X, V, wrt=0)
    check_grad(method_of_an_object_not_named, X, V, wrt=1)
    check_jvp(method_of_an_object_not_named, X, V)


# ----- class attributes read through self: the class's constants -----

class Spring:
    K = 2.0
    rest = np.array([1.0, 1.0, 0.5])

    def __init__(self, x):
        self.x = x

    def energy(self):
        return 0.5 * self.K * np.sum((self.x - self.rest) ** 2)


def spring_energy(x):
    return Spring(x).energy()


def springs_named(x, v):
    s = Spring(x * v)
    return s.energy() * s.K + np.sum(s.rest * x)


@dataclass
class Tether:
    x: np.ndarray
    stiffness = 3.0  # (no annotation: a class attribute, not a field)

    def energy(self):
        return self.stiffness * np.sum(self.x ** 4)


def tether_argument(t):
    return t.energy()


def test_class_constants_read_through_self():
    check_grad(spring_energy, X)
    np.testing.assert_allclose(s2sad.grad(spring_energy)(X), 2.0 * (X - Spring.rest),
                               rtol=1e-12)
    check_grad(springs_named, X, V, wrt=0)
    check_grad(springs_named, X, V, wrt=1)
    dt = s2sad.grad(tether_argument)(Tether(X))
    np.testing.assert_allclose(dt.x, 12.0 * X ** 3, rtol=1e-12)


# ----- a class whose special methods a record would not run: no record, refused -----

@dataclass
class IndexedVec:
    data: np.ndarray
    scale: float

    def __getitem__(self, i):
        return self.data[i] * self.scale


class Vec2:
    def __init__(self, data, scale):
        self.data = data
        self.scale = scale

    def __getitem__(self, i):
        return self.data[i] * self.scale

    def __add__(self, other):
        return Vec2(self.data + other.data, self.scale)


def indexed_argument(v):
    return v[0] * v[1]


def indexed_made_inside(x):
    v = Vec2(x, 2.0)
    return v[0] * v[1]


def added_made_inside(x):
    v = Vec2(x, 2.0) + Vec2(x * x, 2.0)
    return v.data[0]


@pytest.mark.parametrize("f, arg", [
    (indexed_argument, IndexedVec(X, 2.0)), (indexed_argument, Vec2(X, 2.0)),
    (indexed_made_inside, X), (added_made_inside, X)])
def test_special_methods_a_record_would_not_run_are_refused(f, arg):
    """``v[0]`` of a record is its first field; the class's ``__getitem__`` says
    otherwise: the gradient was silently wrong ([4, 4, 4] for [8, 4, 0])."""
    with pytest.raises(s2sad.DifferentiationError, match="test_class_records.py:"):
        s2sad.grad(f)(arg)


def written_through_a_field(x):
    y = x * 1.0
    p = Particle(y, x)
    z = p.x
    z *= 2.0
    return np.sum(y * x)


def test_a_write_through_a_field_read_is_refused():
    """``z = p.x`` is ``y`` itself: ``z *= 2`` changes ``y`` (was a wrong gradient)."""
    with pytest.raises(s2sad.DifferentiationError, match="test_class_records.py:"):
        s2sad.grad(written_through_a_field)(X)
