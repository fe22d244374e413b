//! Joint draws of several departments (spec §17): the joint plan's rules, the departments of the
//! pool, feasibility, and the assignment that gives each team an inspector of every required
//! department.

use super::commitment::check_assignment_rules;
use super::engine::{assign_sub_key, conflict_pairs};
use super::params::{DrawParameters, JointPlan, Requirement, StratumPlan};
use super::stream::RandomStream;
use super::{DrawError, JOINT_SPEC_VERSION, SPEC_VERSION};
use crate::frame::{Frame, InspectorPool};
use crate::ids::{Department, Digest};

/// The rules of spec §17.2 on the joint plan and the team size: `invalid-joint`, then
/// `team-too-small`. Parameters without a joint plan pass.
///
/// # Errors
/// The member of `parameters` concerned (`joint` or `inspectors_per_target`) and the error.
pub fn check_joint_rules(params: &DrawParameters) -> Result<(), (&'static str, DrawError)> {
    let Some(plan) = &params.joint else {
        return Ok(());
    };
    let invalid = |why: String| Err(("joint", DrawError::InvalidJoint(why)));
    if plan.partners.is_empty() {
        return invalid("a joint plan names at least one partner department".into());
    }
    if let Some(p) = plan.partners.iter().find(|p| **p == plan.lead) {
        return invalid(format!(
            "the lead department {:?} is also named as a partner",
            p.as_str()
        ));
    }
    for (i, p) in plan.partners.iter().enumerate() {
        if plan.partners[..i].contains(p) {
            return invalid(format!("partner {:?} is named twice", p.as_str()));
        }
    }
    if let Requirement::LeadPlus(n) = plan.require
        && (n == 0 || n as usize > plan.partners.len())
    {
        return invalid(format!(
            "lead_plus is {n}, but must be from 1 to the number of partners ({})",
            plan.partners.len()
        ));
    }
    let m = u64::from(params.inspectors_per_target);
    let r = plan.required_per_team();
    if m < r {
        return Err((
            "inspectors_per_target",
            DrawError::TeamTooSmall {
                per_target: m,
                required: r,
            },
        ));
    }
    Ok(())
}

/// The plan's departments over the pool (spec §17.3): for each inspector the number of their
/// department in `D` (0 for the lead, then the partners in order), and each department's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JointDepartments {
    of: Vec<u32>,
    members: Vec<Vec<u32>>,
}

impl JointDepartments {
    /// Sorts the pool's inspectors into the plan's departments.
    ///
    /// # Errors
    /// [`DrawError::UnknownDepartment`] for the first inspector (canonical order) whose department
    /// the plan does not name.
    pub fn new(plan: &JointPlan, pool: &InspectorPool) -> Result<Self, DrawError> {
        let names: Vec<&Department> = plan.departments().collect();
        let mut members = vec![Vec::new(); names.len()];
        let mut of = Vec::with_capacity(pool.len());
        for (i, e) in pool.entries().iter().enumerate() {
            let Some(d) = names.iter().position(|n| **n == e.department) else {
                return Err(DrawError::UnknownDepartment {
                    inspector: e.id.to_string(),
                    department: e.department.to_string(),
                });
            };
            of.push(d as u32);
            if let Some(list) = members.get_mut(d) {
                list.push(i as u32);
            }
        }
        Ok(Self { of, members })
    }

    /// The department number of pool index `i`.
    pub fn of(&self, i: u32) -> u32 {
        self.of.get(i as usize).copied().unwrap_or(u32::MAX)
    }

    /// The pool indices of department number `d`, ascending.
    pub fn members(&self, d: usize) -> &[u32] {
        self.members.get(d).map_or(&[], Vec::as_slice)
    }
}

/// The department bounds of spec §17.5 (the bound of §9.2 is checked by the caller afterwards):
/// each department of the plan can give one inspector to every target that could be drawn.
///
/// # Errors
/// [`DrawError::InsufficientDepartmentInspectors`] for the first department (in `D`'s order) that
/// cannot.
pub fn check_joint_feasible(
    frame: &Frame,
    pool: &InspectorPool,
    params: &DrawParameters,
    plan: &JointPlan,
    departments: &JointDepartments,
    strata: &[StratumPlan],
) -> Result<(), DrawError> {
    let m = u64::from(params.inspectors_per_target);
    let total: u64 = strata.iter().map(|s| s.sample).sum();
    let capped = match params.max_assignments_per_inspector {
        Some(cap) if cap > 0 => total.saturating_sub(1) * m / u64::from(cap),
        _ => 0,
    };
    let sampled: Vec<bool> = strata.iter().map(|s| s.sample > 0).collect();
    let is_sampled = |i: usize| {
        sampled
            .get(frame.stratum_index(i))
            .copied()
            .unwrap_or(false)
    };
    let first = (0..frame.len()).find(|&i| is_sampled(i)).unwrap_or(0);
    let n = plan.partners.len() + 1;
    // Per department: the most conflicted target (count, frame index); ties go to the first.
    let mut worst: Vec<(u64, usize)> = vec![(0, first); n];
    let mut counts = vec![0u64; n];
    for (id, list) in pool.conflicts_by_target() {
        let Some(i) = frame.index_of(id) else {
            continue;
        };
        if !is_sampled(i) {
            continue;
        }
        counts.iter_mut().for_each(|c| *c = 0);
        for k in list {
            if let Some(c) = counts.get_mut(departments.of(k) as usize) {
                *c += 1;
            }
        }
        for (w, &c) in worst.iter_mut().zip(&counts) {
            if c > w.0 || (c == w.0 && c > 0 && i < w.1) {
                *w = (c, i);
            }
        }
    }
    for (d, (name, &(c, target))) in plan.departments().zip(&worst).enumerate() {
        let members = departments.members(d).len() as u64;
        if members.saturating_sub(capped).saturating_sub(c) < 1 {
            return Err(DrawError::InsufficientDepartmentInspectors {
                department: name.to_string(),
                target: if frame.is_empty() {
                    String::new()
                } else {
                    frame.id(target).to_owned()
                },
                members,
                conflicted: c,
                possibly_capped: capped.min(members.saturating_sub(c)),
            });
        }
    }
    Ok(())
}

const REMOVED: u32 = u32::MAX;

/// Draws one of `list`'s entries whose position is not in `excluded` (sorted, ascending): the
/// `below(e)`-th of the others (spec §12, §17.4).
fn pick(stream: &mut RandomStream, list: &[u32], excluded: &[u32]) -> Option<u32> {
    let eligible = (list.len() as u64).checked_sub(excluded.len() as u64)?;
    if eligible == 0 {
        return None;
    }
    let mut p = stream.below(eligible);
    for &q in excluded {
        if u64::from(q) <= p {
            p += 1;
        } else {
            break;
        }
    }
    list.get(p as usize).copied()
}

/// Swap-removes inspector `i` from `list`, keeping `pos` in step (spec §12).
fn swap_remove(list: &mut Vec<u32>, pos: &mut [u32], i: u32) {
    let at = pos[i as usize] as usize;
    if let Some(last) = list.pop()
        && last != i
    {
        list[at] = last;
        pos[last as usize] = at as u32;
    }
    pos[i as usize] = REMOVED;
}

/// Joint inspector assignment (spec §17.4) for a plan whose departments are already sorted out,
/// returned flat as [`super::assign_inspectors`] returns it: target `i`'s team is
/// `out[i * per_target..(i + 1) * per_target]`, the lead's inspector first, then the required
/// partners' in order, then the rest.
///
/// `plan` may have no partner: with `Requirement::All` the result is then exactly
/// [`super::assign_inspectors`]'s (spec §17.8, "Reduction to version 1").
///
/// # Errors
/// [`DrawError::TeamTooSmall`] if `per_target` is below the departments each team must hold;
/// [`DrawError::AssignmentStuck`] if some target has no eligible inspector (impossible after
/// [`check_joint_feasible`] and the bound of spec §9.2).
#[allow(clippy::too_many_arguments)]
pub fn assign_joint_departments(
    frame: &Frame,
    pool: &InspectorPool,
    per_target: u32,
    cap: Option<u32>,
    plan: &JointPlan,
    departments: &JointDepartments,
    selected: &[u32],
    draw_key: &Digest,
) -> Result<Vec<u32>, DrawError> {
    let m = per_target as usize;
    let r = plan.required_per_team();
    if (m as u64) < r {
        return Err(DrawError::TeamTooSmall {
            per_target: m as u64,
            required: r,
        });
    }
    let conflicts = conflict_pairs(frame, pool);
    let mut stream = RandomStream::new(&assign_sub_key(draw_key));
    let size = pool.len();
    let mut available: Vec<u32> = (0..size as u32).collect();
    let mut pos: Vec<u32> = (0..size as u32).collect();
    let n = plan.partners.len() + 1;
    let mut by_department: Vec<Vec<u32>> =
        (0..n).map(|d| departments.members(d).to_vec()).collect();
    let mut dpos = vec![REMOVED; size];
    for list in &by_department {
        for (k, &i) in list.iter().enumerate() {
            dpos[i as usize] = k as u32;
        }
    }
    let mut load = vec![0u32; size];
    let mut out: Vec<u32> = Vec::with_capacity(selected.len() * m);
    let mut excluded: Vec<u32> = Vec::new();
    let mut required: Vec<u32> = Vec::with_capacity(n);
    let mut shuffled: Vec<u32> = Vec::with_capacity(n);
    let partners = plan.partners.len() as u64;
    for &t in selected {
        let lo = conflicts.partition_point(|&(f, _)| f < t);
        let hi = conflicts.partition_point(|&(f, _)| f <= t);
        let conflicted = &conflicts[lo..hi];
        let stuck = || DrawError::AssignmentStuck(frame.id(t as usize).to_owned());
        // 1. The departments this team must hold.
        required.clear();
        required.push(0);
        match plan.require {
            Requirement::All => required.extend(1..n as u32),
            Requirement::LeadPlus(k) => {
                shuffled.clear();
                shuffled.extend(0..partners as u32);
                for i in 0..u64::from(k).min(partners) {
                    let j = i + stream.below(partners - i);
                    shuffled.swap(i as usize, j as usize);
                    required.push(1 + shuffled[i as usize]);
                }
            }
        }
        let first = out.len();
        // 2. One inspector of each required department.
        for &d in &required {
            excluded.clear();
            excluded.extend(
                conflicted
                    .iter()
                    .filter(|&&(_, i)| departments.of(i) == d)
                    .map(|&(_, i)| dpos[i as usize])
                    .filter(|&p| p != REMOVED),
            );
            excluded.sort_unstable();
            let list = by_department.get(d as usize).map_or(&[][..], Vec::as_slice);
            out.push(pick(&mut stream, list, &excluded).ok_or_else(stuck)?);
        }
        // 3. The rest of the team from every department, as spec §12.
        for _ in required.len()..m {
            excluded.clear();
            excluded.extend(
                conflicted
                    .iter()
                    .map(|&(_, i)| pos[i as usize])
                    .filter(|&p| p != REMOVED),
            );
            excluded.extend(out[first..].iter().map(|&i| pos[i as usize]));
            excluded.sort_unstable();
            out.push(pick(&mut stream, &available, &excluded).ok_or_else(stuck)?);
        }
        if let Some(cap) = cap {
            for &c in &out[first..] {
                load[c as usize] += 1;
                if load[c as usize] == cap {
                    swap_remove(&mut available, &mut pos, c);
                    if let Some(list) = by_department.get_mut(departments.of(c) as usize) {
                        swap_remove(list, &mut dpos, c);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// [`assign_joint_departments`] after sorting the pool into the plan's departments.
///
/// # Errors
/// [`DrawError::UnknownDepartment`] and the errors of [`assign_joint_departments`].
pub fn assign_joint(
    frame: &Frame,
    pool: &InspectorPool,
    params: &DrawParameters,
    plan: &JointPlan,
    selected: &[u32],
    draw_key: &Digest,
) -> Result<Vec<u32>, DrawError> {
    let departments = JointDepartments::new(plan, pool)?;
    assign_joint_departments(
        frame,
        pool,
        params.inspectors_per_target,
        params.max_assignments_per_inspector,
        plan,
        &departments,
        selected,
        draw_key,
    )
}

/// The version a commitment with these parameters has: version 2 exactly when there is a joint
/// plan (spec §17.1).
pub(crate) fn version_for(params: &DrawParameters) -> &'static str {
    if params.joint.is_some() {
        JOINT_SPEC_VERSION
    } else {
        SPEC_VERSION
    }
}

/// Every rule of step 4 that is not about the strata, in the order of spec §14 and §17.6: the
/// assignment rules, the joint plan's rules, the departments of the pool.
///
/// # Errors
/// The member of `parameters` concerned and the error.
pub(crate) fn check_parameter_rules(
    params: &DrawParameters,
    pool: &InspectorPool,
) -> Result<(), (&'static str, DrawError)> {
    check_assignment_rules(params)?;
    check_joint_rules(params)?;
    if let Some(plan) = &params.joint {
        JointDepartments::new(plan, pool).map_err(|e| ("joint", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::{assign_inspectors, select_targets};
    use crate::frame::{FrameBuilder, PoolBuilder};
    use crate::synthetic::{synthetic_frame, synthetic_pool};
    use proptest::prelude::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn plan(lead: &str, partners: &[&str], require: Requirement) -> Result<JointPlan, DrawError> {
        let d = |s: &str| {
            s.parse::<Department>()
                .map_err(|e| DrawError::InvalidJoint(e.to_string()))
        };
        Ok(JointPlan {
            lead: d(lead)?,
            partners: partners.iter().map(|p| d(p)).collect::<Result<_, _>>()?,
            require,
        })
    }

    fn inputs(
        size: u64,
        pool_size: u64,
        seed: &str,
        one_department: bool,
    ) -> Result<(Frame, InspectorPool), Box<dyn std::error::Error>> {
        let mut fb = FrameBuilder::new();
        for (i, (id, s)) in synthetic_frame(size, seed).enumerate() {
            fb.push(&id, &s, i as u64)?;
        }
        let mut pb = PoolBuilder::new();
        for (i, p) in synthetic_pool(pool_size, seed, size, seed, 4)
            .iter()
            .enumerate()
        {
            let dept = if one_department {
                "莆田市文化和旅游局"
            } else {
                p.department.as_str()
            };
            pb.push_fields(
                &p.id,
                dept,
                p.conflicts.iter().map(String::as_str),
                i as u64,
            )?;
        }
        Ok((fb.finish()?, pb.finish()?))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Spec §17.8: with one department and "all", the joint assignment is §12's, word for word.
        #[test]
        fn one_department_reduces_to_version_1(
            seed in "[a-z]{1,8}",
            per_target in 2u32..5,
            cap in proptest::option::of(1u32..6),
            key in any::<[u8; 32]>(),
        ) {
            let (frame, pool) = inputs(300, 40, &seed, true)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let key = Digest::from_bytes(key);
            let strata: Vec<StratumPlan> = frame
                .strata()
                .iter()
                .zip(frame.stratum_sizes())
                .map(|(k, n)| StratumPlan { key: k.clone(), population: n, sample: n.min(3) })
                .collect();
            let selected = select_targets(&frame, &strata, &key);
            let v1 = assign_inspectors(&frame, &pool, per_target, cap, &selected, &key);
            let alone = plan("莆田市文化和旅游局", &[], Requirement::All)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let departments = JointDepartments::new(&alone, &pool)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let v2 = assign_joint_departments(
                &frame, &pool, per_target, cap, &alone, &departments, &selected, &key,
            );
            prop_assert_eq!(v1, v2);
        }
    }

    #[test]
    fn every_team_holds_each_required_department() -> TestResult {
        let (frame, pool) = inputs(2000, 60, "teams", false)?;
        let names = [
            "莆田市文化和旅游局",
            "城厢区文体旅游局",
            "涵江区文体旅游局",
            "荔城区文体旅游局",
            "秀屿区文体旅游局",
            "仙游县文体旅游局",
        ];
        let key = Digest::from_bytes([9; 32]);
        let strata: Vec<StratumPlan> = frame
            .strata()
            .iter()
            .zip(frame.stratum_sizes())
            .map(|(k, n)| StratumPlan {
                key: k.clone(),
                population: n,
                sample: n / 20,
            })
            .collect();
        let selected = select_targets(&frame, &strata, &key);
        for (require, m) in [
            (Requirement::All, 6u32),
            (Requirement::All, 7),
            (Requirement::LeadPlus(2), 3),
        ] {
            let p = plan(names[0], &names[1..], require)?;
            let departments = JointDepartments::new(&p, &pool)?;
            let out = assign_joint_departments(
                &frame,
                &pool,
                m,
                Some(40),
                &p,
                &departments,
                &selected,
                &key,
            )?;
            let mut partners_required = [0u32; 6];
            for (team, &t) in out.chunks(m as usize).zip(&selected) {
                let mut seen: Vec<u32> = team.iter().map(|&i| departments.of(i)).collect();
                assert_eq!(seen[0], 0, "the lead's inspector comes first");
                let r = p.required_per_team() as usize;
                for &d in &seen[1..r] {
                    partners_required[d as usize] += 1;
                }
                seen.sort_unstable();
                seen.dedup();
                assert!(seen.len() >= r, "{require:?}: team {team:?}");
                let mut ids = team.to_vec();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), m as usize, "distinct inspectors");
                let target = frame.id(t as usize);
                for &i in team {
                    let e = &pool.entries()[i as usize];
                    assert!(
                        e.conflicts.iter().all(|c| c.as_str() != target),
                        "a conflicted inspector was assigned"
                    );
                }
            }
            if require == Requirement::LeadPlus(2) {
                // Every partner is drawn into some team's requirement.
                assert!(partners_required[1..].iter().all(|&c| c > 0));
            }
        }
        Ok(())
    }

    #[test]
    fn joint_rules_name_the_member() -> TestResult {
        let params = |p: JointPlan, m: u32| DrawParameters {
            strata: Default::default(),
            default: None,
            inspectors_per_target: m,
            max_assignments_per_inspector: None,
            joint: Some(p),
        };
        let code = |p: &DrawParameters| check_joint_rules(p).err().map(|(f, e)| (f, e.code()));
        assert_eq!(code(&params(plan("A", &["B"], Requirement::All)?, 2)), None);
        assert_eq!(
            code(&params(plan("A", &[], Requirement::All)?, 2)),
            Some(("joint", "invalid-joint"))
        );
        assert_eq!(
            code(&params(plan("A", &["B", "A"], Requirement::All)?, 3)),
            Some(("joint", "invalid-joint"))
        );
        assert_eq!(
            code(&params(plan("A", &["B", "B"], Requirement::All)?, 3)),
            Some(("joint", "invalid-joint"))
        );
        for n in [0, 3] {
            assert_eq!(
                code(&params(
                    plan("A", &["B", "C"], Requirement::LeadPlus(n))?,
                    3
                )),
                Some(("joint", "invalid-joint"))
            );
        }
        assert_eq!(
            code(&params(plan("A", &["B", "C"], Requirement::All)?, 2)),
            Some(("inspectors_per_target", "team-too-small"))
        );
        assert_eq!(
            code(&params(
                plan("A", &["B", "C"], Requirement::LeadPlus(1))?,
                2
            )),
            None
        );
        Ok(())
    }
}
