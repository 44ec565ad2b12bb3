//! Host lookups for the agent: ureq's resolver with a short-lived cache, so an API call
//! does not cost a thread and a `getaddrinfo` each.

use std::time::{Duration, Instant};

/// How long a host's resolved addresses are reused.
const RESOLVE_CACHE_TTL: Duration = Duration::from_secs(60);

/// Resolved addresses per `scheme|host:port`, with when they were looked up.
pub(crate) type ResolveCache = std::sync::Arc<
    std::sync::Mutex<
        std::collections::HashMap<
            String,
            (Instant, ureq::unversioned::resolver::ResolvedSocketAddrs),
        >,
    >,
>;

pub(crate) fn lock_cache(
    cache: &ResolveCache,
) -> std::sync::MutexGuard<
    '_,
    std::collections::HashMap<String, (Instant, ureq::unversioned::resolver::ResolvedSocketAddrs)>,
> {
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The cache key of a request URI: scheme and authority.
pub(crate) fn resolve_cache_key(uri: &ureq::http::Uri) -> Option<String> {
    uri.authority()
        .map(|a| format!("{}|{}", uri.scheme_str().unwrap_or(""), a.as_str()))
}

/// ureq's default resolver (a lookup within the resolve timeout) with a short-lived cache
/// of successful lookups per `host:port`. Failed lookups are not cached, and an entry is
/// dropped when connecting to its addresses fails.
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    pub(crate) cache: ResolveCache,
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let key = resolve_cache_key(uri);
        let lock = || lock_cache(&self.cache);
        if let Some(key) = &key {
            if let Some((at, addrs)) = lock().get(key) {
                if at.elapsed() < RESOLVE_CACHE_TTL {
                    return Ok(addrs.clone());
                }
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Some(key) = key {
            lock().insert(key, (Instant::now(), addrs.clone()));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_addresses_are_cached_per_host() {
        use ureq::unversioned::resolver::Resolver;
        let resolver = CachingResolver::default();
        let config = ureq::config::Config::default();
        let timeout = || ureq::unversioned::transport::NextTimeout {
            after: ureq::unversioned::transport::time::Duration::NotHappening,
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        let uri: ureq::http::Uri = "http://127.0.0.1:4242/a".parse().unwrap();
        let first = resolver.resolve(&uri, &config, timeout()).unwrap();
        assert_eq!(first[0], "127.0.0.1:4242".parse().unwrap());
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
        let other_path: ureq::http::Uri = "http://127.0.0.1:4242/b?x=1".parse().unwrap();
        assert_eq!(
            resolver.resolve(&other_path, &config, timeout()).unwrap()[0],
            first[0]
        );
        assert_eq!(
            resolver.cache.lock().unwrap().len(),
            1,
            "one entry per host"
        );
        let other_port: ureq::http::Uri = "http://127.0.0.1:4343/".parse().unwrap();
        resolver.resolve(&other_port, &config, timeout()).unwrap();
        assert_eq!(resolver.cache.lock().unwrap().len(), 2);
    }
}
