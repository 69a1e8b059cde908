//! §7.3: unsendable kinds with their PATH, cycles, depth, lengths and the size limit —
//! the same rules and texts for the binary and the text encoder.

use super::{read, vm};
use crate::net::text::encode_text;
use crate::net::walk::walk;
use crate::net::wire::{encode, Binary};
use eta_vm::{Ctx, Pair, Value};

fn proc_value<'gc>() -> Value<'gc> {
    Value::Native(&crate::pairs::NATIVES[0])
}

/// The error of both encoders, which must agree.
fn both(v: Value<'_>, max: usize) -> String {
    let b = encode(v, max).err().map(|e| e.message().to_string());
    let t = encode_text(v, max).err().map(|e| e.message().to_string());
    let b = b.unwrap_or_else(|| "binary encoding succeeded".into());
    if max == 0 {
        assert_eq!(Some(&b), t.as_ref(), "binary and text disagree");
    }
    b
}

fn list<'gc>(ctx: &mut Ctx<'_, 'gc>, items: Vec<Value<'gc>>) -> Value<'gc> {
    Value::list(ctx.mc, items.into_iter())
}

#[test]
fn unsendable_kinds_with_paths() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let p = proc_value();
        assert_eq!(both(p, 0), "cannot send a procedure (at message)");
        // (1 2 (PROC))
        let inner = list(ctx, vec![p]);
        let v = list(ctx, vec![Value::Int(1), Value::Int(2), inner]);
        assert_eq!(both(v, 0), "cannot send a procedure (at message[2][0])");
        // (1 2 . PROC)
        let v = Value::list_with_tail(ctx.mc, [Value::Int(1), Value::Int(2)].into_iter(), p);
        assert_eq!(both(v, 0), "cannot send a procedure (at message.tail)");
        // #(1 #<eof>) and a vector in a list in a vector.
        let v = Value::vector(ctx.mc, vec![Value::Int(1), Value::Eof]);
        assert_eq!(both(v, 0), "cannot send an eof (at message[1])");
        let inner = Value::vector(ctx.mc, vec![Value::Nil, Value::Unspecified]);
        let mid = list(ctx, vec![Value::Int(0), inner]);
        let v = Value::vector(ctx.mc, vec![mid]);
        assert_eq!(
            both(v, 0),
            "cannot send an unspecified (at message[0][1][1])"
        );
        // The tail of an inner improper list, and a vector in a tail.
        let inner = Value::list_with_tail(ctx.mc, [Value::Int(1)].into_iter(), Value::Eof);
        let v = list(ctx, vec![Value::Int(0), inner]);
        assert_eq!(both(v, 0), "cannot send an eof (at message[1].tail)");
        let tailvec = Value::vector(ctx.mc, vec![Value::Int(1), p]);
        let v = Value::list_with_tail(ctx.mc, [Value::Int(1)].into_iter(), tailvec);
        assert_eq!(both(v, 0), "cannot send a procedure (at message.tail[1])");
        // Never a substitute: a value after a bad one is not reached, nothing is returned.
        let v = list(ctx, vec![Value::Eof, Value::Int(1)]);
        assert!(encode(v, 0).is_err());
    });
}

#[test]
fn other_unsendable_kinds() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let rec = Value::Values(gc_arena::Gc::new(
            ctx.mc,
            vec![Value::Int(1), Value::Int(2)],
        ));
        assert_eq!(both(rec, 0), "cannot send a values (at message)");
        let hm = Value::HashMap(gc_arena::Gc::new(ctx.mc, eta_vm::HashMapObj::new()));
        let v = list(ctx, vec![Value::Int(1), hm]);
        assert_eq!(both(v, 0), "cannot send a hash-map (at message[1])");
    });
}

#[test]
fn cycles_are_reported() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        // car cycle: p = (p)
        let p = list(ctx, vec![Value::Nil]);
        if let Value::Pair(g) = p {
            Pair::set_car(ctx.mc, g, p);
        }
        assert_eq!(
            both(p, 0),
            "cannot send a circular structure (at message[0])"
        );
        // cdr cycle: #0=(1 2 . #0#)
        let c = read(ctx, "#0=(1 2 . #0#)");
        assert_eq!(
            both(c, 0),
            "cannot send a circular structure (at message[2])"
        );
        // a cycle through a later spine pair: (a b c) with the third car = second pair
        let l = read(ctx, "(a b c)");
        if let Value::Pair(p1) = l {
            if let Value::Pair(p2) = p1.cdr.get() {
                if let Value::Pair(p3) = p2.cdr.get() {
                    Pair::set_car(ctx.mc, p3, Value::Pair(p2));
                }
            }
        }
        assert_eq!(
            both(l, 0),
            "cannot send a circular structure (at message[2])"
        );
        // a cdr of an inner list pointing back to the outer list
        let outer = read(ctx, "(a (b c) d)");
        if let Value::Pair(o) = outer {
            if let Value::Pair(second) = o.cdr.get() {
                if let Value::Pair(inner_first) = second.car.get() {
                    if let Value::Pair(inner_second) = inner_first.cdr.get() {
                        Pair::set_cdr(ctx.mc, inner_second, outer);
                    }
                }
            }
        }
        assert_eq!(
            both(outer, 0),
            "cannot send a circular structure (at message[1][2])"
        );
        // vector self-reference: #0=#(1 #0#)
        let v = read(ctx, "#0=#(1 #0#)");
        assert_eq!(
            both(v, 0),
            "cannot send a circular structure (at message[1])"
        );
        // shared but acyclic structure is fine, sent once per occurrence
        let s = read(ctx, "(1 2)");
        let dag = list(ctx, vec![s, s, Value::vector(ctx.mc, vec![s, s])]);
        let once = encode(s, 0).map(|b| b.len()).unwrap_or(0);
        let all = encode(dag, 0).map(|b| b.len()).unwrap_or(0);
        assert_eq!(all, 1 + 4 * (once - 1) + 3 + 5 + 1);
        assert_eq!(
            encode_text(dag, 0).ok().map(String::from_utf8),
            Some(Ok("((1 2) (1 2) #((1 2) (1 2)))".to_string()))
        );
    });
}

#[test]
fn depth_limit_with_an_elided_path() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        // (An innermost `()` would be one level too deep for the text format alone.)
        let mut v = Value::Int(0);
        for _ in 0..10_000 {
            v = Value::cons(ctx.mc, v, Value::Nil);
        }
        assert!(encode(v, 0).is_ok());
        assert!(encode_text(v, 0).is_ok());
        let deeper = Value::cons(ctx.mc, v, Value::Nil);
        let msg = both(deeper, 0);
        let head = "structure nested deeper than 10000 levels (at message";
        assert!(msg.starts_with(head), "{msg}");
        assert_eq!(
            msg,
            format!("{head}{}...{})", "[0]".repeat(16), "[0]".repeat(16))
        );
        // Vectors count the same way; a long flat list costs no depth.
        let mut w = Value::Nil;
        for _ in 0..10_001 {
            w = Value::vector(ctx.mc, vec![w]);
        }
        assert!(both(w, 0).starts_with(head));
        let long = Value::list(ctx.mc, (0..20_000).map(|_| Value::Nil));
        assert!(encode(long, 0).is_ok());
    });
}

#[test]
fn too_long_for_the_wire_format() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        // The real limit is 2^32-1; test the rule with a lowered one.
        let run = |v: Value<'_>| {
            let mut e = Binary::with_max_len(0, 3);
            walk(v, &mut e, 0).err().map(|e| e.message().to_string())
        };
        let s = read(ctx, "(1 \"abcd\")");
        assert_eq!(
            run(s).as_deref(),
            Some("string of 4 bytes too long for the wire format (at message[1])")
        );
        let s = read(ctx, "abcd");
        assert_eq!(
            run(s).as_deref(),
            Some("symbol of 4 bytes too long for the wire format (at message)")
        );
        let s = read(ctx, "#(#u8(1 2 3 4))");
        assert_eq!(
            run(s).as_deref(),
            Some("bytevector of 4 bytes too long for the wire format (at message[0])")
        );
        let s = read(ctx, "#(1 2 3 4)");
        assert_eq!(
            run(s).as_deref(),
            Some("vector of 4 elements too long for the wire format (at message)")
        );
        assert_eq!(run(read(ctx, "#(1 2 3)")), None);
    });
}

#[test]
fn size_limit() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let bv = Value::bytevector(ctx.mc, vec![7; 100]);
        assert_eq!(
            both(bv, 50),
            "message of 106 bytes exceeds max-message-size 50"
        );
        assert_eq!(encode(bv, 106).map(|b| b.len()).ok(), Some(106));
        assert!(encode(bv, 105).is_err());
        // The exact size is reported for an ordinary message.
        let l = Value::list(ctx.mc, (0..1000).map(Value::Int));
        assert_eq!(
            both(l, 100),
            "message of 10002 bytes exceeds max-message-size 100"
        );
        let t = encode_text(l, 100).err().map(|e| e.message().to_string());
        let text_len = encode_text(l, 0).map(|b| b.len()).unwrap_or(0);
        assert_eq!(
            t,
            Some(format!(
                "message of {text_len} bytes exceeds max-message-size 100"
            ))
        );
        // A shared DAG whose tree form is astronomically large stops at once.
        let mut d = read(ctx, "(1)");
        for _ in 0..100 {
            d = Value::cons(ctx.mc, d, d);
        }
        let start = std::time::Instant::now();
        let msg = both(d, 1 << 20);
        assert!(msg.starts_with("message of more than "), "{msg}");
        assert!(
            msg.ends_with(" bytes exceeds max-message-size 1048576"),
            "{msg}"
        );
        assert!(start.elapsed().as_secs() < 60);
        // A cycle met after the limit is passed still ends in the size error.
        let c = read(ctx, "#0=(1 2 . #0#)");
        let big = list(ctx, vec![bv, c]);
        assert_eq!(
            both(big, 50),
            "message of more than 128 bytes exceeds max-message-size 50"
        );
    });
}
