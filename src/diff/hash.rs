//! The hash the aligner keys blocks and word bigrams with: FxHash, the multiply-and-
//! rotate hash rustc uses for its own tables. The standard SipHash costs several times as
//! much on the short words and keys hashed here (3% of a whole-archive audit went to it),
//! and nothing here needs a keyed hash: an equal key only says where to look, and what
//! is reported comes from comparing the texts themselves.

use std::hash::Hasher;

/// See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

/// The multiplier of FxHash (from rustc-hash).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A 128-bit hash of many bytes, for telling whole bodies apart: two FxHash streams
/// with different seeds over the same input, each finished with murmur3's avalanche.
/// It reads eight bytes a step, several times faster than SipHash on the megabytes a
/// history's bodies hold; two bodies with one hash are taken to be the same (for
/// unrelated texts a chance of about 2⁻¹²⁸).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WideHasher {
    a: FxHasher,
    b: FxHasher,
}

impl Default for WideHasher {
    fn default() -> Self {
        WideHasher {
            a: FxHasher {
                hash: 0x9e37_79b9_7f4a_7c15,
            },
            b: FxHasher {
                hash: 0x6a09_e667_f3bc_c908,
            },
        }
    }
}

impl WideHasher {
    /// Adds `bytes` and their length (so that `ab`+`c` and `a`+`bc` differ).
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.a.write(bytes);
        self.a.write_usize(bytes.len());
        self.b.write_usize(bytes.len());
        self.b.write(bytes);
    }

    pub(crate) fn word(&mut self, value: u64) {
        self.a.write_u64(value);
        self.b.write_u64(value.rotate_left(29));
    }

    pub(crate) fn finish(&self) -> (u64, u64) {
        (avalanche(self.a.hash), avalanche(self.b.hash))
    }
}

/// murmur3's 64-bit finaliser: every input bit flips about half the output bits.
fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash(value: impl Hash) -> u64 {
        let mut hasher = FxHasher::default();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn tells_short_keys_apart() {
        // Every word of a sentence, its bigrams and a few near twins differ.
        let words = [
            "a", "b", "ab", "ba", "the", "then", "there", "billion", "million",
        ];
        let mut seen = std::collections::HashSet::new();
        for word in words {
            assert!(seen.insert(hash(word)), "{word}");
        }
        assert_ne!(hash((1u64, 2u64)), hash((2u64, 1u64)));
        assert_ne!(hash("abcdefgh"), hash("abcdefgh\0"));
    }

    #[test]
    fn wide_hash_tells_where_the_bytes_were_cut() {
        let wide = |parts: &[&str]| {
            let mut hasher = WideHasher::default();
            for part in parts {
                hasher.bytes(part.as_bytes());
            }
            hasher.finish()
        };
        assert_ne!(wide(&["ab", "c"]), wide(&["a", "bc"]));
        assert_ne!(wide(&["billion"]), wide(&["million"]));
        assert_eq!(wide(&["same", "text"]), wide(&["same", "text"]));
    }
}
