//! (in progress)
/// placeholder
pub struct Client;
/// placeholder
pub struct ClientBuilder;
