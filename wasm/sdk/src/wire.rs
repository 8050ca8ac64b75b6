//! Protobuf wire format: the reader the event decoder walks and the writer the verdict encoder uses.
//! Hand-written (no dependency): a module needs a few fields, not a protobuf runtime.

/// Where and why the event bytes could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset, in the (sub)message being read, of the value that could not be read.
    pub offset: usize,
    pub reason: &'static str,
}

pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

pub(crate) const VARINT: u32 = 0;
pub(crate) const FIXED64: u32 = 1;
pub(crate) const LEN: u32 = 2;
pub(crate) const FIXED32: u32 = 5;

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn fail<T>(&self, reason: &'static str) -> Result<T, DecodeError> {
        Err(DecodeError { offset: self.pos, reason })
    }

    pub(crate) fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.buf.get(self.pos) else {
                return self.fail("varint runs past the end");
            };
            self.pos += 1;
            if shift == 63 && byte > 1 {
                return self.fail("varint longer than 64 bits");
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        self.fail("varint longer than 10 bytes")
    }

    /// The next field number and wire type.
    pub(crate) fn key(&mut self) -> Result<(u32, u32), DecodeError> {
        let key = self.varint()?;
        if key >> 3 == 0 || key >> 3 > u64::from(u32::MAX >> 3) {
            return self.fail("field number out of range");
        }
        Ok(((key >> 3) as u32, (key & 7) as u32))
    }

    pub(crate) fn fixed64(&mut self) -> Result<u64, DecodeError> {
        let Some(bytes) = self.buf.get(self.pos..self.pos + 8) else {
            return self.fail("fixed64 runs past the end");
        };
        self.pos += 8;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(raw))
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let at = self.pos;
        let len = self.varint()?;
        let end = usize::try_from(len).ok().and_then(|len| self.pos.checked_add(len));
        match end.and_then(|end| self.buf.get(self.pos..end).map(|b| (b, end))) {
            Some((bytes, end)) => {
                self.pos = end;
                Ok(bytes)
            }
            None => Err(DecodeError { offset: at, reason: "length-delimited field runs past the end" }),
        }
    }

    pub(crate) fn string(&mut self) -> Result<&'a str, DecodeError> {
        let at = self.pos;
        let bytes = self.bytes()?;
        core::str::from_utf8(bytes).map_err(|_| DecodeError { offset: at, reason: "string is not UTF-8" })
    }

    pub(crate) fn skip(&mut self, wire: u32) -> Result<(), DecodeError> {
        match wire {
            VARINT => self.varint().map(|_| ()),
            FIXED64 => self.fixed64().map(|_| ()),
            LEN => self.bytes().map(|_| ()),
            FIXED32 if self.pos + 4 <= self.buf.len() => {
                self.pos += 4;
                Ok(())
            }
            _ => self.fail("unknown or truncated wire type"),
        }
    }
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn put_key(out: &mut Vec<u8>, field: u32, wire: u32) {
    put_varint(out, u64::from(field << 3 | wire));
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}
