//! Closure transfer between two VMs in one process: capture, bincode round trip, rebuild.

use eta_compiler::Linker;
use eta_vm::transfer;
use eta_vm::{Outcome, Vm};

fn vm() -> Result<Vm, String> {
    eta_builtins::new_vm(Linker::new())
}

fn eval(vm: &mut Vm, src: &str) -> Result<(), String> {
    let units = vm.with_host(|h| {
        h.linker
            .compile_program("<test>", src, None, false)
            .map_err(|e| e.to_string())
    })?;
    match vm.run_units(&units) {
        Outcome::Done => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

fn transfer_result(from: &mut Vm) -> Result<Vec<u8>, String> {
    from.with_ctx(|ctx| {
        let v = ctx.st.result;
        let img =
            transfer::capture(ctx, v, &|i| format!("upvalue[{i}]")).map_err(|e| e.to_string())?;
        transfer::encode(&img)
    })
}

fn rebuild_and_call(bytes: &[u8]) -> Result<String, String> {
    let mut to = vm()?;
    let img = transfer::decode(bytes)?;
    to.with_ctx(|ctx| -> Result<(), String> {
        let v = transfer::rebuild(ctx, img)?;
        ctx.st.result = v;
        Ok(())
    })?;
    match to.call_result() {
        Outcome::Done => Ok(to.with_result(eta_vm::write_string)),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn thunk_with_captures_and_globals() -> Result<(), String> {
    let mut a = vm()?;
    eval(
        &mut a,
        "(define offset 10)
         (define (helper x) (* x 2))
         (define table (vector 1 \"two\" 'three))
         (let ((n 5) (l (list 1 2 3)) (s \"héllo\") (big (expt 2 100)) (neg -0.0))
           (lambda () (list (+ offset (helper n)) (length l) (vector-ref table 1) s big neg
                            ((lambda (k) (* k k)) 3))))",
    )?;
    let bytes = transfer_result(&mut a)?;
    let out = rebuild_and_call(&bytes)?;
    assert_eq!(
        out,
        "(20 3 \"two\" \"héllo\" 1267650600228229401496703205376 -0.0 9)"
    );
    Ok(())
}

#[test]
fn sharing_and_cycles_survive() -> Result<(), String> {
    let mut a = vm()?;
    eval(
        &mut a,
        "(define shared (list 1 2))
         (define cyc (list 'a 'b))
         (set-cdr! (cdr cyc) cyc)
         (lambda () (list (eq? (car (list shared)) shared) (eq? (cddr cyc) cyc) (car cyc)))",
    )?;
    let bytes = transfer_result(&mut a)?;
    assert_eq!(rebuild_and_call(&bytes)?, "(#t #t a)");
    Ok(())
}

#[test]
fn mutual_recursion_through_boxes() -> Result<(), String> {
    let mut a = vm()?;
    eval(
        &mut a,
        "(define (outer)
           (define (ev? n) (if (= n 0) #t (od? (- n 1))))
           (define (od? n) (if (= n 0) #f (ev? (- n 1))))
           (lambda () (list (ev? 10) (od? 7))))
         (outer)",
    )?;
    let bytes = transfer_result(&mut a)?;
    assert_eq!(rebuild_and_call(&bytes)?, "(#t #t)");
    Ok(())
}

#[test]
fn unsupported_capture_is_named() -> Result<(), String> {
    let mut a = vm()?;
    eval(
        &mut a,
        "(define config (list 1 2 (open-output-string))) (lambda () config)",
    )?;
    let err = a.with_ctx(|ctx| {
        let v = ctx.st.result;
        transfer::capture(ctx, v, &|i| format!("upvalue[{i}]"))
            .err()
            .map(|e| e.to_string())
    });
    assert_eq!(
        err.as_deref(),
        Some("global[config][2]: unsupported kind port")
    );
    Ok(())
}

#[test]
fn corrupt_images_are_rejected() -> Result<(), String> {
    let mut a = vm()?;
    eval(&mut a, "(let ((x 1)) (lambda () x))")?;
    let bytes = transfer_result(&mut a)?;
    for cut in 0..bytes.len() {
        // Truncated images must fail to decode or rebuild, never panic.
        if let Ok(img) = transfer::decode(&bytes[..cut]) {
            let mut b = vm()?;
            let _ = b.with_ctx(|ctx| transfer::rebuild(ctx, img).map(|_| ()));
        }
    }
    Ok(())
}

#[test]
fn tampered_code_is_refused_before_it_runs() -> Result<(), String> {
    use eta_compiler::proto::Op;
    let mut a = vm()?;
    eval(&mut a, "(let ((x 1) (y 2)) (lambda () (+ x y)))")?;
    let bytes = transfer_result(&mut a)?;
    let rebuild = |img: transfer::Image| -> Result<(), String> {
        let mut b = vm()?;
        b.with_ctx(|ctx| transfer::rebuild(ctx, img).map(|_| ()))
    };
    // The dispatch loop trusts verified code: a local slot the frame does not have,
    // an operand the stack does not hold, and a jump out of the code are refused.
    for bad in [Op::LocalRef(60_000), Op::Pop, Op::Jump(1_000)] {
        let mut img = transfer::decode(&bytes)?;
        let proto = img.protos.first_mut().ok_or("no prototype")?;
        proto.code.insert(0, bad);
        let err = rebuild(img).err().ok_or(format!("{bad:?} was accepted"))?;
        assert!(err.contains("invalid bytecode"), "{err}");
    }
    // A closure whose captured values do not match its code's capture list.
    let mut img = transfer::decode(&bytes)?;
    for obj in &mut img.objects {
        if let transfer::Obj::Closure { upvals, .. } = obj {
            upvals.pop();
        }
    }
    let err = rebuild(img).err().ok_or("short upvalues were accepted")?;
    assert!(err.contains("captured values"), "{err}");
    // The untouched image still works.
    assert_eq!(rebuild_and_call(&bytes)?, "3");
    Ok(())
}
