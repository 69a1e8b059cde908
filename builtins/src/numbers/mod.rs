//! Numbers (spec §6, §10.2): the numeric tower of fixnums that promote to bignums and
//! flonums, with exact comparisons across exactness. The kernels live in `tower`, the
//! builtins by family in `arith`, `integer`, `transcendental` and `convert`; this file
//! holds the one table that registers them all.

mod arith;
mod convert;
mod integer;
mod tower;
mod transcendental;

#[cfg(test)]
mod tests;

pub use arith::round_half_even;
pub use convert::number_text;
pub use tower::{
    add, big_to_f64, compare, div, float_to_big, mul, normalise, ratio_to_f64, sub, Num,
};

use eta_vm::natives;

/// The numeric builtins. The VM's inline primitives fall back to `+ - * / = < > <= >=`
/// and `zero?` from this table, so those names and arities must stay.
pub static NATIVES: &[eta_vm::Native] = natives![
    "+", 0, None, Simple(arith::plus);
    "*", 0, None, Simple(arith::times);
    "-", 1, None, Simple(arith::minus);
    "/", 1, None, Simple(arith::divide);
    "=", 1, None, Simple(arith::num_eq);
    "<", 1, None, Simple(arith::lt);
    ">", 1, None, Simple(arith::gt);
    "<=", 1, None, Simple(arith::le);
    ">=", 1, None, Simple(arith::ge);
    "number?", 1, Some(1), Simple(arith::is_number);
    "complex?", 1, Some(1), Simple(arith::is_complex);
    "real?", 1, Some(1), Simple(arith::is_real);
    "integer?", 1, Some(1), Simple(arith::is_integer);
    "rational?", 1, Some(1), Simple(arith::is_rational);
    "exact?", 1, Some(1), Simple(arith::is_exact);
    "inexact?", 1, Some(1), Simple(arith::is_inexact);
    "exact-integer?", 1, Some(1), Simple(arith::is_exact_integer);
    "nan?", 1, Some(1), Simple(arith::is_nan);
    "infinite?", 1, Some(1), Simple(arith::is_infinite);
    "finite?", 1, Some(1), Simple(arith::is_finite);
    "zero?", 1, Some(1), Simple(arith::is_zero);
    "positive?", 1, Some(1), Simple(arith::is_positive);
    "negative?", 1, Some(1), Simple(arith::is_negative);
    "odd?", 1, Some(1), Simple(arith::is_odd);
    "even?", 1, Some(1), Simple(arith::is_even);
    "abs", 1, Some(1), Simple(arith::abs);
    "magnitude", 1, Some(1), Simple(arith::magnitude);
    "min", 1, None, Simple(arith::min);
    "max", 1, None, Simple(arith::max);
    "square", 1, Some(1), Simple(arith::square);
    "floor", 1, Some(1), Simple(arith::floor);
    "ceiling", 1, Some(1), Simple(arith::ceiling);
    "truncate", 1, Some(1), Simple(arith::truncate);
    "round", 1, Some(1), Simple(arith::round);
    "quotient", 2, Some(2), Simple(integer::quotient);
    "remainder", 2, Some(2), Simple(integer::remainder);
    "modulo", 2, Some(2), Simple(integer::modulo);
    "floor/", 2, Some(2), Simple(integer::floor_div);
    "truncate/", 2, Some(2), Simple(integer::truncate_div);
    "floor-quotient", 2, Some(2), Simple(integer::floor_quotient);
    "floor-remainder", 2, Some(2), Simple(integer::floor_remainder);
    "truncate-quotient", 2, Some(2), Simple(integer::truncate_quotient);
    "truncate-remainder", 2, Some(2), Simple(integer::truncate_remainder);
    "gcd", 0, None, Simple(integer::gcd);
    "lcm", 0, None, Simple(integer::lcm);
    "numerator", 1, Some(1), Simple(integer::numerator);
    "denominator", 1, Some(1), Simple(integer::denominator);
    "exact-integer-sqrt", 1, Some(1), Simple(integer::exact_integer_sqrt);
    "sqrt", 1, Some(1), Simple(transcendental::sqrt);
    "expt", 2, Some(2), Simple(transcendental::expt);
    "exp", 1, Some(1), Simple(transcendental::exp);
    "log", 1, Some(2), Simple(transcendental::log);
    "sin", 1, Some(1), Simple(transcendental::sin);
    "cos", 1, Some(1), Simple(transcendental::cos);
    "tan", 1, Some(1), Simple(transcendental::tan);
    "asin", 1, Some(1), Simple(transcendental::asin);
    "acos", 1, Some(1), Simple(transcendental::acos);
    "atan", 1, Some(2), Simple(transcendental::atan);
    "pow", 2, Some(2), Simple(transcendental::pow);
    "exact", 1, Some(1), Simple(convert::exact);
    "inexact", 1, Some(1), Simple(convert::inexact);
    "exact->inexact", 1, Some(1), Simple(convert::exact_to_inexact);
    "inexact->exact", 1, Some(1), Simple(convert::inexact_to_exact);
    "number->string", 1, Some(2), Simple(convert::number_to_string);
    "string->number", 1, Some(2), Simple(convert::string_to_number);
];
