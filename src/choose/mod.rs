//! Which profiles file, which profile and which settings apply in this shell and folder, and
//! the hook's record of it.

pub mod effective;
pub mod explain;
pub mod folder;
pub mod handmade;
pub mod here;
pub mod keyring_profiles;
pub mod locate;
pub mod plan;
pub mod protect;
pub mod stamps;
pub mod trust;
