//! Faults in a prototype's header (parameters, boxed parameters, children's captures),
//! whole trees, nesting and error messages.

use super::*;

// ---- faults in the header --------------------------------------------------------------

#[test]
fn parameters_must_fit_in_the_locals() -> TestResult {
    fails_with(
        &proto(2, 1, vec![Op::ReturnLocal(0)]),
        None,
        VerifyErrorKind::ParamsExceedLocals {
            nparams: 2,
            nlocals: 1,
        },
    )?;
    let mut p = proto(1, 1, vec![Op::ReturnLocal(0)]);
    p.rest = true;
    fails_with(
        &p,
        None,
        VerifyErrorKind::ParamsExceedLocals {
            nparams: 2,
            nlocals: 1,
        },
    )?;
    // 65,535 required parameters and a rest list: 65,536 slots, computed without overflow.
    let mut p = proto(u16::MAX, u16::MAX, vec![Op::ReturnLocal(0)]);
    p.rest = true;
    fails_with(
        &p,
        None,
        VerifyErrorKind::ParamsExceedLocals {
            nparams: 65_536,
            nlocals: u16::MAX,
        },
    )?;
    p.rest = false;
    assert_eq!(temps(&p)?, 0);
    Ok(())
}

#[test]
fn boxed_parameters_must_be_parameters() -> TestResult {
    let mut p = proto(1, 3, vec![Op::ReturnLocal(0)]);
    p.rest = true;
    p.boxed_params = vec![0, 1];
    assert_eq!(temps(&p)?, 0);
    p.boxed_params = vec![0, 2];
    fails_with(
        &p,
        None,
        VerifyErrorKind::BoxedParamOutOfRange {
            slot: 2,
            nparams: 2,
        },
    )
}

#[test]
fn child_captures_are_checked_against_the_parent() -> TestResult {
    let child = |caps: Vec<Capture>| {
        let mut c = proto(0, 0, vec![Op::UpvalRef(0), Op::Return]);
        c.captures = caps;
        Arc::new(c)
    };
    let mut parent = proto(0, 2, vec![Op::Closure(0), Op::Return]);
    parent.captures = vec![Capture::Local(0)];
    parent.children = vec![child(vec![Capture::Local(1), Capture::Upval(0)])];
    assert_eq!(temps(&parent)?, 1);

    parent.children.push(child(vec![Capture::Local(2)]));
    fails_with(
        &parent,
        None,
        VerifyErrorKind::ChildCapturesMissingLocal {
            child: 1,
            slot: 2,
            nlocals: 2,
        },
    )?;
    parent.children[1] = child(vec![Capture::Upval(1)]);
    fails_with(
        &parent,
        None,
        VerifyErrorKind::ChildCapturesMissingUpval {
            child: 1,
            index: 1,
            ncaptures: 1,
        },
    )
}

// ---- trees and messages ----------------------------------------------------------------

#[test]
fn tree_results_follow_the_children() -> TestResult {
    let leaf = |pushes: usize| {
        let mut code = vec![Op::Nil; pushes];
        code.push(Op::Prim(Prim::List, pushes as u8));
        code.push(Op::Return);
        Arc::new(proto(0, 0, code))
    };
    let mut mid = proto(0, 0, vec![Op::Closure(0), Op::Closure(1), Op::Return]);
    mid.children = vec![leaf(3), leaf(1)];
    let mut root = proto(0, 0, vec![Op::Closure(0), Op::Return]);
    root.children = vec![Arc::new(mid)];
    let tree = verify_tree(&root).map_err(|e| e.to_string())?;
    let t = |max_temps, children| VerifiedTree {
        proto: Verified { max_temps },
        children,
    };
    assert_eq!(tree, t(1, vec![t(2, vec![t(3, vec![]), t(1, vec![])])]));
    Ok(())
}

#[test]
fn tree_reports_the_faulty_descendant() -> TestResult {
    let mut bad = proto(0, 0, vec![Op::Pop, Op::Unspec, Op::Return]);
    bad.name = Some(Arc::from("inner"));
    let mut root = proto(0, 0, vec![Op::Closure(0), Op::Return]);
    root.children = vec![Arc::new(bad)];
    // `verify` checks only the root's own code.
    assert_eq!(temps(&root)?, 1);
    let e = verify_tree(&root).err().ok_or("the child should fail")?;
    assert_eq!(e.proto, "inner");
    assert_eq!(
        e.to_string(),
        "invalid bytecode in inner at pc 0 (Pop): takes 1 values from the stack, which holds 0"
    );
    Ok(())
}

#[test]
fn nesting_is_bounded() -> TestResult {
    // A chain of `depth` prototypes, each creating the next.
    let chain = |depth: usize| {
        let mut p = proto(0, 0, vec![Op::Unspec, Op::Return]);
        for _ in 1..depth {
            let mut parent = proto(0, 0, vec![Op::Closure(0), Op::Return]);
            parent.children = vec![Arc::new(p)];
            p = parent;
        }
        p
    };
    assert!(verify_tree_within(&chain(5), 5).is_ok());
    let e = verify_tree_within(&chain(6), 5)
        .err()
        .ok_or("6 levels should exceed a limit of 5")?;
    assert_eq!(e.kind, VerifyErrorKind::TooDeep { limit: 5 });
    assert!(verify_tree(&chain(100)).is_ok());
    Ok(())
}

#[test]
fn header_faults_name_the_prototype() -> TestResult {
    let mut p = proto(3, 1, vec![Op::ReturnLocal(0)]);
    p.kind = ProtoKind::Module(Arc::from("m"));
    let e = fault(&p)?;
    assert_eq!(
        e.to_string(),
        "invalid bytecode in <module m>: 3 parameter slots do not fit in 1 local slots"
    );
    Ok(())
}
