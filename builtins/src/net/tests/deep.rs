//! Long and deep data through both formats on a 256 KiB thread stack: nothing in the
//! encoder, decoder, tree or heap builder recurses on the native stack.

use crate::net::text::{decode_text, encode_text};
use crate::net::wire::tree::{encode_tree, Tree, TreeBuilder};
use crate::net::wire::{decode, encode, parse};
use eta_compiler::Linker;
use eta_vm::{Value, Vm};

const SMALL_STACK: usize = 256 * 1024;

fn on_small_stack(name: &str, f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .name(name.into())
        .stack_size(SMALL_STACK)
        .spawn(f);
    match handle {
        Ok(h) => {
            if h.join().is_err() {
                panic!("{name} failed");
            }
        }
        Err(e) => panic!("cannot start {name}: {e}"),
    }
}

#[test]
fn million_element_list_round_trips_on_a_small_stack() {
    on_small_stack("million", || {
        let mut vm = Vm::new(Linker::new());
        vm.with_ctx(|ctx| {
            let v = Value::list(ctx.mc, (0..1_000_000).map(Value::Int));
            let bytes = encode(v, 0).unwrap_or_default();
            assert_eq!(bytes.len(), 1 + 1_000_000 * 10 + 1);
            let back = decode(ctx, &bytes, 0).unwrap_or(Value::Nil);
            assert_eq!(encode(back, 0).unwrap_or_default(), bytes);
            let tree = parse(&mut TreeBuilder, &bytes, 0).unwrap_or(Tree::Nil);
            assert_eq!(encode_tree(&tree), bytes);
            drop(tree);
            // 64 MiB is the default limit; the message is about 10 MB.
            assert!(encode(v, 64 << 20).is_ok());
        });
    });
}

#[test]
fn ten_thousand_deep_nesting_round_trips_on_a_small_stack() {
    on_small_stack("deep", || {
        let mut vm = Vm::new(Linker::new());
        vm.with_ctx(|ctx| {
            // (((...))) 10,000 levels, then #(#(...)) 10,000 levels, then both mixed.
            let mut lists = Value::Int(1);
            for _ in 0..10_000 {
                lists = Value::cons(ctx.mc, lists, Value::Nil);
            }
            let mut vectors = Value::Int(2);
            for _ in 0..10_000 {
                vectors = Value::vector(ctx.mc, vec![vectors]);
            }
            let mut mixed = Value::Nil;
            for i in 0..10_000 {
                mixed = if i % 2 == 0 {
                    Value::list(ctx.mc, [Value::Int(i), mixed].into_iter())
                } else {
                    Value::vector(ctx.mc, vec![mixed, Value::Int(i)])
                };
            }
            // `mixed` ends in an empty list 10,000 levels down: its text `()` would be
            // one bracket level too deep for the reader, so the text encoder refuses it.
            for (v, text_ok) in [(lists, true), (vectors, true), (mixed, false)] {
                let bytes = encode(v, 0).unwrap_or_default();
                assert!(bytes.len() > 10_000);
                let back = decode(ctx, &bytes, 0).unwrap_or(Value::Nil);
                assert_eq!(encode(back, 0).unwrap_or_default(), bytes);
                let tree = parse(&mut TreeBuilder, &bytes, 0).unwrap_or(Tree::Nil);
                assert_eq!(encode_tree(&tree), bytes);
                let tree2 = parse(&mut TreeBuilder, &bytes, 0).unwrap_or(Tree::Nil);
                assert!(tree == tree2);
                drop(tree);
                drop(tree2);
                // The text encoder walks it too (reading it back is the reader's
                // business and needs a normal stack for its datum tree).
                assert_eq!(encode_text(v, 0).is_ok(), text_ok);
            }
            // One level more is refused by both sides.
            let deeper = Value::cons(ctx.mc, lists, Value::Nil);
            assert!(encode(deeper, 0).is_err());
            assert!(encode_text(deeper, 0).is_err());
        });
    });
}

#[test]
fn long_text_list_round_trips() {
    let mut vm = super::vm();
    vm.with_ctx(|ctx| {
        let v = Value::list(ctx.mc, (0..100_000).map(|i| Value::Float(i as f64 / 7.0)));
        let text = encode_text(v, 0).unwrap_or_default();
        let back = decode_text(ctx, &text).unwrap_or(Value::Nil);
        assert_eq!(encode(back, 0).ok(), encode(v, 0).ok());
    });
}
