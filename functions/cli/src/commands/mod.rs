//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod audit;
pub mod calendar;
pub mod check_proof;
pub mod commit;
pub mod deadline;
pub mod demo;
pub mod draw;
pub mod export;
pub mod frame;
pub mod gen_frame;
pub mod gen_pool;
pub mod gen_registry;
pub mod import;
pub mod prove;
pub mod publish;
pub mod serve;
pub mod token;
pub mod verify;
