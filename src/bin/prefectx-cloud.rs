//! prefectx-cloud: the Prefect Cloud commands (`login`, `workspace`, `doctor`), kept out of the
//! binary prompts run (lib.rs). `prefectx` execs this with its own arguments; run directly it
//! takes the same command line.

fn main() {
    prefectx::main_cloud();
}
