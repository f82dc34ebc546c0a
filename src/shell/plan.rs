//! What applying a profile changes in a shell: the variables to set and to unset (made by
//! choose/plan.rs, rendered by each shell's file).

#[derive(Debug, Default)]
pub struct Plan {
    pub set: Vec<(String, String)>,
    pub unset: Vec<String>,
}
