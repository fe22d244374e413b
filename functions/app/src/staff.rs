//! Who is acting: a member of a department's staff with roles. Every use case checks the roles it
//! needs and that the record belongs to the caller's own department — for every role, the
//! administrator included: an administrator administers their own department.

use spotcheck_domain::ids::Department;
use spotcheck_domain::lifecycle::Actor;

use crate::AppError;

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Plans, results and penalty decisions of their own department.
    Inspector,
    /// Commit, draw and cancel their own department's plans; approve for publication.
    Supervisor,
    /// Approve and publish.
    Publisher,
    /// Everything the other roles do, in their own department (registries excepted).
    Admin,
    /// Replaces the shared registries (every department's inspectors, the agencies, guides and
    /// operators, the item list): a role of its own, implied by no other.
    Registrar,
}

impl Role {
    /// The role's name as tokens carry it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Inspector => "inspector",
            Role::Supervisor => "supervisor",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
            Role::Registrar => "registrar",
        }
    }
}

/// An authenticated member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// Who, as the audit log records it.
    pub actor: Actor,
    /// Their department.
    pub department: Department,
    /// Their roles.
    pub roles: Vec<Role>,
}

impl Staff {
    /// Whether they have `role` (an administrator has every role but registrar).
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role) || (role != Role::Registrar && self.roles.contains(&Role::Admin))
    }

    /// Refuses unless they have `role`.
    ///
    /// # Errors
    /// 403 `missing-role` naming the role.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "missing-role",
                format!("this needs the {} role", role.name()),
            ))
        }
    }

    /// Refuses unless they have at least one of the staff roles that work on plans (inspector,
    /// supervisor, publisher; admin has them all): who may read the department's plans and
    /// publication duties. A registrar alone may not.
    ///
    /// # Errors
    /// 403 `missing-role`.
    pub fn require_plan_reader(&self) -> Result<(), AppError> {
        if [Role::Inspector, Role::Supervisor, Role::Publisher]
            .into_iter()
            .any(|r| self.has(r))
        {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "missing-role",
                "this needs the inspector, supervisor or publisher role",
            ))
        }
    }

    /// Refuses unless `department` is their own. No role is exempt.
    ///
    /// # Errors
    /// 403 `other-department`.
    pub fn require_department(&self, department: &Department) -> Result<(), AppError> {
        if &self.department == department {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "other-department",
                format!(
                    "this belongs to {department}, not to your department {}",
                    self.department
                ),
            ))
        }
    }
}
