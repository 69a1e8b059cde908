//! Random prototypes: those that verify are run along random paths with every access
//! checked, as a VM without checks would run them.

use super::*;

/// A small deterministic generator (xorshift64*), so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn small(&mut self) -> u16 {
        self.below(4) as u16
    }

    fn offset(&mut self) -> i32 {
        self.below(9) as i32 - 4
    }
}

fn random_op(r: &mut Rng) -> Op {
    let p = Prim::ALL[r.below(Prim::ALL.len() as u64) as usize];
    match r.below(43) {
        0 => Op::Const(r.small().into()),
        1 => Op::Fixnum(1),
        2 => Op::Nil,
        3 => Op::True,
        4 => Op::False,
        5 => Op::Unspec,
        6 => Op::LocalRef(r.small()),
        7 => Op::LocalSet(r.small()),
        8 => Op::MakeBox(r.small()),
        9 => Op::BoxRef(r.small()),
        10 => Op::BoxRefChecked(r.small()),
        11 => Op::BoxSet(r.small()),
        12 => Op::UpvalRef(r.small()),
        13 => Op::SelfRef,
        14 => Op::UpvalBoxRef(r.small()),
        15 => Op::UpvalBoxRefChecked(r.small()),
        16 => Op::UpvalBoxSet(r.small()),
        17 => Op::GlobalRef(0),
        18 => Op::GlobalSet(0),
        19 => Op::GlobalDef(0),
        20 => Op::Pop,
        21 => Op::Jump(r.offset()),
        22 => Op::JumpIfFalse(r.offset()),
        23 => Op::Closure(r.small().into()),
        24 => Op::Call(r.small()),
        25 => Op::TailCall(r.small()),
        26 | 27 => Op::Return,
        28 => Op::ReturnLocal(r.small()),
        29 => Op::Prim(p, r.small() as u8),
        30 => Op::PrimL(p, r.small()),
        31 => Op::PrimLL(p, r.small(), r.small()),
        32 => Op::PrimLI(p, r.small(), 1),
        33 => Op::JumpIfFalseL(p, r.small(), r.offset()),
        34 => Op::JumpIfFalseLL(p, r.small() as u8, r.small() as u8, r.offset()),
        35 => Op::PrimSL(p, r.small()),
        36 => Op::PrimSC(p, r.small().into()),
        37 => Op::JumpIfFalseSL(p, r.small(), r.offset()),
        38 => Op::JumpIfFalseSC(p, r.small(), r.offset()),
        39 => Op::JumpIfFalseLC(p, r.small() as u8, r.small() as u8, r.offset()),
        40 => Op::MapArgs(r.small(), r.small()),
        41 => Op::MapCollect(r.small(), r.offset()),
        _ => Op::JumpIfFalseLI(p, r.small() as u8, 1, r.offset()),
    }
}

fn random_proto(r: &mut Rng) -> Prototype {
    let nlocals = r.small();
    let code = (0..1 + r.below(12)).map(|_| random_op(r)).collect();
    let mut p = proto(r.below(u64::from(nlocals) + 1) as u16, nlocals, code);
    p.consts = vec![Literal::Nil; r.below(3) as usize];
    p.captures = vec![Capture::Local(0); r.below(3) as usize];
    for _ in 0..r.below(3) {
        let mut c = proto(0, 0, vec![Op::Unspec, Op::Return]);
        c.captures = (0..r.below(3))
            .map(|_| match r.below(2) {
                0 => Capture::Local(r.small()),
                _ => Capture::Upval(r.small()),
            })
            .collect();
        p.children.push(Arc::new(c));
    }
    p
}

/// Runs `p` along random paths with every access checked, as a VM without checks would
/// run it: an `Err` is an access that verification should have ruled out.
fn run_checked(p: &Prototype, max_temps: u32, r: &mut Rng) -> Result<(), String> {
    let (mut pc, mut depth) = (0usize, 0u32);
    let local = |s: u16| (s < p.nlocals).then_some(()).ok_or(format!("local {s}"));
    let upval = |u: u16| p.captures.get(usize::from(u)).map(|_| ()).ok_or("upvalue");
    let constant = |k: u32| p.consts.get(k as usize).map(|_| ()).ok_or("constant");
    for c in &p.children {
        for cap in &c.captures {
            match *cap {
                Capture::Local(s) => local(s)?,
                Capture::Upval(u) => upval(u)?,
            }
        }
    }
    for _ in 0..64 {
        let op = *p.code.get(pc).ok_or(format!("pc {pc} out of range"))?;
        // (values taken, values left, whether the jump is taken, whether the frame ends)
        let (take, give, jump, end) = match op {
            Op::Const(i) => {
                p.consts.get(i as usize).ok_or("constant")?;
                (0, 1, false, false)
            }
            Op::Closure(i) => {
                p.children.get(i as usize).ok_or("child")?;
                (0, 1, false, false)
            }
            Op::Fixnum(_)
            | Op::Nil
            | Op::True
            | Op::False
            | Op::Unspec
            | Op::SelfRef
            | Op::GlobalRef(_) => (0, 1, false, false),
            Op::LocalRef(s) | Op::BoxRef(s) | Op::BoxRefChecked(s) | Op::PrimL(_, s) => {
                local(s)?;
                (0, 1, false, false)
            }
            Op::PrimLI(_, s, _) => {
                local(s)?;
                (0, 1, false, false)
            }
            Op::PrimLL(_, a, b) => {
                local(a)?;
                local(b)?;
                (0, 1, false, false)
            }
            Op::UpvalRef(u) | Op::UpvalBoxRef(u) | Op::UpvalBoxRefChecked(u) => {
                upval(u)?;
                (0, 1, false, false)
            }
            Op::LocalSet(s) | Op::BoxSet(s) => {
                local(s)?;
                (1, 0, false, false)
            }
            Op::MakeBox(s) => {
                local(s)?;
                (0, 0, false, false)
            }
            Op::UpvalBoxSet(u) => {
                upval(u)?;
                (1, 0, false, false)
            }
            Op::GlobalSet(_) | Op::GlobalDef(_) | Op::Pop => (1, 0, false, false),
            Op::Jump(_) => (0, 0, true, false),
            Op::JumpIfFalse(_) => (1, 0, r.below(2) == 0, false),
            Op::JumpIfFalseL(_, s, _) => {
                local(s)?;
                (0, 0, r.below(2) == 0, false)
            }
            Op::JumpIfFalseLL(_, a, b, _) => {
                local(a.into())?;
                local(b.into())?;
                (0, 0, r.below(2) == 0, false)
            }
            Op::JumpIfFalseLI(_, s, _, _) => {
                local(s.into())?;
                (0, 0, r.below(2) == 0, false)
            }
            Op::PrimSL(_, s) => {
                local(s)?;
                (1, 1, false, false)
            }
            Op::PrimSC(_, k) => {
                constant(k)?;
                (1, 1, false, false)
            }
            Op::JumpIfFalseSL(_, s, _) => {
                local(s)?;
                (1, 0, r.below(2) == 0, false)
            }
            Op::JumpIfFalseSC(_, k, _) => {
                constant(k.into())?;
                (1, 0, r.below(2) == 0, false)
            }
            Op::JumpIfFalseLC(_, s, k, _) => {
                local(s.into())?;
                constant(k.into())?;
                (0, 0, r.below(2) == 0, false)
            }
            Op::MapArgs(f, l) => {
                local(f)?;
                local(l)?;
                (0, 2, false, false)
            }
            Op::MapCollect(s, _) => {
                local(s)?;
                (1, 0, true, false)
            }
            Op::Call(n) => (u32::from(n) + 1, 1, false, false),
            Op::TailCall(n) => (u32::from(n) + 1, 1, false, r.below(2) == 0),
            Op::Prim(_, n) => (u32::from(n), 1, false, false),
            Op::Return => (1, 0, false, true),
            Op::ReturnLocal(s) => {
                local(s)?;
                (0, 0, false, true)
            }
        };
        depth = depth
            .checked_sub(take)
            .ok_or(format!("underflow at {pc}"))?
            + give;
        if depth > max_temps {
            return Err(format!("depth {depth} above max_temps {max_temps}"));
        }
        if end {
            return Ok(());
        }
        pc = match (jump, op.jump_offset()) {
            (true, Some(off)) => usize::try_from(pc as i64 + 1 + i64::from(off))
                .map_err(|_| format!("jump from {pc} below 0"))?,
            _ => pc + 1,
        };
    }
    Ok(())
}

#[test]
fn verified_random_prototypes_run_within_bounds() -> TestResult {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut passed = 0;
    for _ in 0..300_000 {
        let p = random_proto(&mut r);
        if let Ok(v) = verify(&p) {
            passed += 1;
            for _ in 0..4 {
                run_checked(&p, v.max_temps, &mut r).map_err(|e| format!("{e}: {p:?}"))?;
            }
        }
    }
    // Enough of them pass for the runs to mean something.
    assert!(passed > 1_000, "only {passed} random prototypes verified");
    Ok(())
}
