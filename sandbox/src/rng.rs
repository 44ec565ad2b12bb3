//! Deterministic randomness.
//!
//! Everything random in the sandbox is a pure function of the seed and of *what* is being
//! decided (a domain string plus the inputs), never of the order in which concurrent requests
//! arrive. [`Mix`] hashes those parts with FNV-1a and splitmix64.

/// The splitmix64 finaliser: a fast, well-mixing bijection on `u64`.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a seed, a domain and any number of parts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mix(u64);

impl Mix {
    /// Starts a hash for `domain` (so that different decisions never share draws).
    pub(crate) fn new(seed: u64, domain: &str) -> Mix {
        Mix(splitmix64(seed ^ 0x5EED_5A4D_B0C5_0001)).str(domain)
    }

    /// Adds a byte string (length-prefixed, so `("ab","c")` and `("a","bc")` differ).
    pub(crate) fn bytes(self, b: &[u8]) -> Mix {
        let mut f: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in b {
            f ^= u64::from(x);
            f = f.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Mix(splitmix64(self.0 ^ f ^ (b.len() as u64).rotate_left(40)))
    }

    /// Adds a string.
    pub(crate) fn str(self, s: &str) -> Mix {
        self.bytes(s.as_bytes())
    }

    /// Adds a number.
    pub(crate) fn num(self, v: u64) -> Mix {
        Mix(splitmix64(self.0 ^ splitmix64(v ^ 0xA5A5_A5A5_A5A5_A5A5)))
    }

    /// The 64-bit hash.
    pub(crate) fn u64(self) -> u64 {
        splitmix64(self.0)
    }

    /// A uniform number in `[0, 1)`.
    pub(crate) fn unit(self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform index in `0..n` (`n > 0`).
    pub(crate) fn below(self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.u64() % n as u64) as usize
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` lower-case hex digits drawn from `mix`.
pub(crate) fn hex(mix: Mix, n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut i = 0u64;
    while out.len() < n {
        let mut v = mix.num(i).u64();
        for _ in 0..16 {
            if out.len() == n {
                break;
            }
            out.push(HEX[(v & 15) as usize] as char);
            v >>= 4;
        }
        i += 1;
    }
    out
}

/// `n` base-62 characters drawn from `mix`.
pub(crate) fn base62(mix: Mix, n: usize) -> String {
    (0..n)
        .map(|i| BASE62[mix.num(i as u64).below(62)] as char)
        .collect()
}

/// A version-4-shaped UUID drawn from `mix`.
pub(crate) fn uuid(mix: Mix) -> String {
    let h = hex(mix, 32);
    let mut s = String::with_capacity(36);
    s.push_str(&h[0..8]);
    s.push('-');
    s.push_str(&h[8..12]);
    s.push_str("-4");
    s.push_str(&h[13..16]);
    s.push('-');
    let variant = ["8", "9", "a", "b"][(mix.u64() & 3) as usize];
    s.push_str(variant);
    s.push_str(&h[17..20]);
    s.push('-');
    s.push_str(&h[20..32]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_is_deterministic_and_sensitive() {
        let a = Mix::new(1, "x").str("ab").str("c").u64();
        let b = Mix::new(1, "x").str("a").str("bc").u64();
        assert_ne!(a, b);
        assert_eq!(a, Mix::new(1, "x").str("ab").str("c").u64());
        assert_ne!(a, Mix::new(2, "x").str("ab").str("c").u64());
    }

    #[test]
    fn unit_is_roughly_uniform() {
        let n = 20_000;
        let mean: f64 = (0..n).map(|i| Mix::new(7, "u").num(i).unit()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn id_shapes() {
        let m = Mix::new(3, "id");
        assert_eq!(hex(m, 24).len(), 24);
        assert_eq!(base62(m, 11).len(), 11);
        let u = uuid(m);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
