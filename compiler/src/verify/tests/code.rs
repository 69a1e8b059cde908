//! Good code and its `max_temps`; faults in the instructions: jumps, falling off the
//! end, stack depth, index operands.

use super::*;

// ---- max_temps on good code ------------------------------------------------------------

#[test]
fn straight_line_code() -> TestResult {
    assert_eq!(temps(&proto(0, 0, vec![Op::Fixnum(1), Op::Return]))?, 1);
    assert_eq!(temps(&proto(1, 1, vec![Op::ReturnLocal(0)]))?, 0);
    let call = vec![
        Op::GlobalRef(0),
        Op::Fixnum(1),
        Op::Fixnum(2),
        Op::LocalRef(0),
        Op::Call(3),
        Op::Return,
    ];
    assert_eq!(temps(&proto(1, 1, call))?, 4);
    // `(list)` pushes its result from nothing.
    let list = vec![Op::Prim(Prim::List, 0), Op::Return];
    assert_eq!(temps(&proto(0, 0, list))?, 1);
    // Fused primitives push their result, fused tests push nothing.
    let fused = vec![
        Op::JumpIfFalseLL(Prim::Lt, 0, 1, 1),
        Op::ReturnLocal(0),
        Op::PrimLL(Prim::Add, 0, 1),
        Op::PrimLI(Prim::Add, 0, 1),
        Op::Prim(Prim::Mul, 2),
        Op::Return,
    ];
    assert_eq!(temps(&proto(2, 2, fused))?, 2);
    Ok(())
}

#[test]
fn if_expression_joins_at_one_depth() -> TestResult {
    // (f (if x 1 2)): both arms leave one value above the callee.
    let code = vec![
        Op::GlobalRef(0),
        Op::LocalRef(0),
        Op::JumpIfFalse(2),
        Op::Fixnum(1),
        Op::Jump(1),
        Op::Fixnum(2),
        Op::TailCall(1),
        Op::Return,
    ];
    assert_eq!(temps(&proto(1, 1, code))?, 2);
    Ok(())
}

#[test]
fn loop_with_backward_jump() -> TestResult {
    // (do ((i 0 (+ i 1))) ((>= i 10) i)) with i in slot 0.
    let code = vec![
        Op::JumpIfFalseLI(Prim::Lt, 0, 10, 3),
        Op::PrimLI(Prim::Add, 0, 1),
        Op::LocalSet(0),
        Op::Jump(-4),
        Op::ReturnLocal(0),
    ];
    assert_eq!(temps(&proto(0, 1, code))?, 1);
    Ok(())
}

#[test]
fn unreachable_code_has_no_depth_checks() -> TestResult {
    // `Pop` and `Return` after a return would underflow, but nothing reaches them.
    let code = vec![Op::ReturnLocal(0), Op::Pop, Op::Return];
    assert_eq!(temps(&proto(1, 1, code))?, 0);
    let jumped_over = vec![Op::Jump(1), Op::Call(7), Op::Nil, Op::Return];
    assert_eq!(temps(&proto(0, 0, jumped_over))?, 1);
    Ok(())
}

#[test]
fn unreachable_code_still_has_index_checks() -> TestResult {
    let code = vec![Op::ReturnLocal(0), Op::LocalRef(9)];
    fails_with(
        &proto(1, 1, code),
        Some(1),
        VerifyErrorKind::LocalOutOfRange {
            slot: 9,
            nlocals: 1,
        },
    )?;
    let code = vec![Op::Nil, Op::Return, Op::Jump(-5)];
    fails_with(
        &proto(0, 0, code),
        Some(2),
        VerifyErrorKind::JumpOutOfRange { target: -2, len: 3 },
    )
}

#[test]
fn tail_call_may_resume_its_frame() -> TestResult {
    // A control builtin called in tail position can make a genuine call: the `Return`
    // after the tail call then runs with the call's result.
    let code = vec![Op::GlobalRef(0), Op::Fixnum(1), Op::TailCall(1), Op::Return];
    assert_eq!(temps(&proto(0, 0, code))?, 2);
    fails_with(
        &proto(0, 0, vec![Op::GlobalRef(0), Op::TailCall(0)]),
        Some(1),
        VerifyErrorKind::FallsOffEnd,
    )
}

// ---- faults in the code ----------------------------------------------------------------

#[test]
fn empty_code() -> TestResult {
    fails_with(&proto(0, 0, vec![]), None, VerifyErrorKind::EmptyCode)
}

#[test]
fn jumps_outside_the_code() -> TestResult {
    // A jump to the last instruction is fine.
    assert_eq!(
        temps(&proto(
            0,
            0,
            vec![Op::Jump(1), Op::Unspec, Op::Nil, Op::Return]
        ))?,
        1
    );
    fails_with(
        &proto(0, 0, vec![Op::Jump(2), Op::Unspec, Op::Return]),
        Some(0),
        VerifyErrorKind::JumpOutOfRange { target: 3, len: 3 },
    )?;
    fails_with(
        &proto(0, 0, vec![Op::Unspec, Op::Jump(-3)]),
        Some(1),
        VerifyErrorKind::JumpOutOfRange { target: -1, len: 2 },
    )?;
    // The extreme offsets of every jump instruction, without overflow.
    let jumps = [
        Op::Jump(0),
        Op::JumpIfFalse(0),
        Op::JumpIfFalseL(Prim::Not, 0, 0),
        Op::JumpIfFalseLL(Prim::Eq, 0, 0, 0),
        Op::JumpIfFalseLI(Prim::Lt, 0, 0, 0),
    ];
    for op in jumps {
        for off in [i32::MIN, i32::MAX] {
            let op = op.with_jump_offset(off);
            let e = fault(&proto(1, 1, vec![Op::True, op, Op::ReturnLocal(0)]))?;
            let target = 2 + i128::from(off);
            assert_eq!(
                (e.pc, e.kind),
                (Some(1), VerifyErrorKind::JumpOutOfRange { target, len: 3 })
            );
        }
    }
    Ok(())
}

#[test]
fn falling_off_the_end() -> TestResult {
    fails_with(
        &proto(0, 0, vec![Op::Fixnum(1)]),
        Some(0),
        VerifyErrorKind::FallsOffEnd,
    )?;
    // A call returns to the next instruction, which must exist.
    fails_with(
        &proto(0, 0, vec![Op::GlobalRef(0), Op::Call(0)]),
        Some(1),
        VerifyErrorKind::FallsOffEnd,
    )?;
    // The fall-through arm of a conditional jump.
    let code = vec![
        Op::Jump(1),
        Op::ReturnLocal(0),
        Op::JumpIfFalseL(Prim::IsNull, 0, -2),
    ];
    fails_with(&proto(1, 1, code), Some(2), VerifyErrorKind::FallsOffEnd)
}

#[test]
fn depth_mismatch_at_a_join() -> TestResult {
    // One arm pushes a value, the other does not.
    let code = vec![
        Op::LocalRef(0),
        Op::JumpIfFalse(1),
        Op::Fixnum(1),
        Op::Fixnum(2),
        Op::Return,
    ];
    let e = fault(&proto(1, 1, code))?;
    assert_eq!(e.pc, Some(3), "{e}");
    assert!(
        matches!(
            e.kind,
            VerifyErrorKind::DepthMismatch { depth, other } if depth.abs_diff(other) == 1
        ),
        "{e}"
    );
    // A loop that grows the stack on every iteration.
    let code = vec![Op::Nil, Op::Jump(-2)];
    fails_with(
        &proto(0, 0, code),
        Some(0),
        VerifyErrorKind::DepthMismatch { depth: 0, other: 1 },
    )
}

#[test]
fn stack_underflow() -> TestResult {
    let underflow = |code: Vec<Op>, pc: usize, needs: u32, depth: u32| {
        fails_with(
            &proto(1, 1, code),
            Some(pc),
            VerifyErrorKind::StackUnderflow { needs, depth },
        )
    };
    underflow(vec![Op::GlobalRef(0), Op::Call(1), Op::Return], 1, 2, 1)?;
    underflow(vec![Op::GlobalRef(0), Op::TailCall(1), Op::Return], 1, 2, 1)?;
    underflow(
        vec![Op::Fixnum(1), Op::Prim(Prim::Add, 2), Op::Return],
        1,
        2,
        1,
    )?;
    underflow(vec![Op::Prim(Prim::List, 255), Op::Return], 0, 255, 0)?;
    underflow(vec![Op::Return], 0, 1, 0)?;
    underflow(vec![Op::PrimSL(Prim::Cons, 0), Op::Return], 0, 1, 0)?;
    underflow(
        vec![Op::JumpIfFalseSL(Prim::Eq, 0, 0), Op::Nil, Op::Return],
        0,
        1,
        0,
    )?;
    underflow(vec![Op::Pop, Op::ReturnLocal(0)], 0, 1, 0)?;
    underflow(vec![Op::MapCollect(0, -1), Op::Nil, Op::Return], 0, 1, 0)?;
    underflow(vec![Op::LocalSet(0), Op::ReturnLocal(0)], 0, 1, 0)?;
    underflow(vec![Op::JumpIfFalse(0), Op::ReturnLocal(0)], 0, 1, 0)?;
    underflow(vec![Op::GlobalDef(0), Op::ReturnLocal(0)], 0, 1, 0)?;
    // The largest call pops 65,536 values: no overflow.
    underflow(vec![Op::Call(u16::MAX), Op::Return], 0, 65_536, 0)
}

#[test]
fn index_operands_out_of_range() -> TestResult {
    let local = |op: Op, slot: u16| {
        fails_with(
            &proto(0, 2, vec![op, Op::Return]),
            Some(0),
            VerifyErrorKind::LocalOutOfRange { slot, nlocals: 2 },
        )
    };
    local(Op::LocalRef(2), 2)?;
    local(Op::LocalSet(2), 2)?;
    local(Op::MakeBox(3), 3)?;
    local(Op::BoxRef(2), 2)?;
    local(Op::BoxRefChecked(2), 2)?;
    local(Op::BoxSet(2), 2)?;
    local(Op::ReturnLocal(u16::MAX), u16::MAX)?;
    local(Op::PrimL(Prim::Car, 2), 2)?;
    local(Op::PrimLL(Prim::Add, 2, 0), 2)?;
    local(Op::PrimLL(Prim::Add, 0, 2), 2)?;
    local(Op::PrimLI(Prim::Add, 2, 1), 2)?;
    local(Op::JumpIfFalseL(Prim::IsNull, 2, 0), 2)?;
    local(Op::JumpIfFalseLL(Prim::Lt, 2, 1, 0), 2)?;
    local(Op::JumpIfFalseLL(Prim::Lt, 1, 2, 0), 2)?;
    local(Op::JumpIfFalseLI(Prim::Lt, 200, 1, 0), 200)?;
    local(Op::JumpIfFalseLC(Prim::Eq, 2, 0, 0), 2)?;
    local(Op::MapArgs(2, 0), 2)?;
    local(Op::MapArgs(0, 2), 2)?;
    local(Op::MapCollect(2, 0), 2)?;

    for op in [
        Op::UpvalRef(1),
        Op::UpvalBoxRef(1),
        Op::UpvalBoxRefChecked(1),
        Op::UpvalBoxSet(1),
    ] {
        let mut p = proto(0, 0, vec![op, Op::Return]);
        p.captures = vec![Capture::Local(0)];
        fails_with(
            &p,
            Some(0),
            VerifyErrorKind::UpvalOutOfRange {
                index: 1,
                ncaptures: 1,
            },
        )?;
    }

    let mut p = proto(0, 0, vec![Op::Const(1), Op::Return]);
    p.consts = vec![Literal::Int(1)];
    fails_with(
        &p,
        Some(0),
        VerifyErrorKind::ConstOutOfRange {
            index: 1,
            nconsts: 1,
        },
    )?;
    p.code[0] = Op::Const(u32::MAX);
    fails_with(
        &p,
        Some(0),
        VerifyErrorKind::ConstOutOfRange {
            index: u32::MAX,
            nconsts: 1,
        },
    )?;
    p.code[0] = Op::Const(0);
    assert_eq!(temps(&p)?, 1);
    for op in [
        Op::PrimSC(Prim::Eq, 1),
        Op::JumpIfFalseSC(Prim::Eq, 1, 0),
        Op::JumpIfFalseLC(Prim::Eq, 0, 1, 0),
    ] {
        let mut p = proto(1, 1, vec![Op::Nil, op, Op::Return]);
        p.consts = vec![Literal::Int(1)];
        fails_with(
            &p,
            Some(1),
            VerifyErrorKind::ConstOutOfRange {
                index: 1,
                nconsts: 1,
            },
        )?;
    }

    let mut p = proto(0, 0, vec![Op::Closure(1), Op::Return]);
    p.children = vec![Arc::new(proto(0, 0, vec![Op::Unspec, Op::Return]))];
    fails_with(
        &p,
        Some(0),
        VerifyErrorKind::ChildOutOfRange {
            index: 1,
            nchildren: 1,
        },
    )?;
    p.code[0] = Op::Closure(0);
    assert_eq!(temps(&p)?, 1);
    Ok(())
}
