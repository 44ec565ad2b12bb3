//! Who the client is: access tokens and how they are obtained and refreshed (`token`),
//! where client credentials come from and where they are kept (`credentials`), and the
//! private files both write (`private_file`).

pub(crate) mod credentials;
mod private_file;
pub(crate) mod token;

pub(crate) use token::*;
