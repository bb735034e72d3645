//! Record headers in one column: for each header in order, the name's length (u16, big
//! endian), the name, the value's length (u32, big endian), the value. A record without
//! headers stores NULL.

use crate::Headers;

/// The column value of `headers`; `None` when there are none.
pub(super) fn encode(headers: &[(String, Vec<u8>)]) -> anyhow::Result<Option<Vec<u8>>> {
    if headers.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (name, value) in headers {
        let name_len = u16::try_from(name.len())
            .map_err(|_| anyhow::anyhow!("a header name of {} bytes is too long", name.len()))?;
        let value_len = u32::try_from(value.len())
            .map_err(|_| anyhow::anyhow!("a header value of {} bytes is too long", value.len()))?;
        out.extend_from_slice(&name_len.to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&value_len.to_be_bytes());
        out.extend_from_slice(value);
    }
    Ok(Some(out))
}

/// The headers a column value holds.
pub(super) fn decode(column: Option<&[u8]>) -> anyhow::Result<Headers> {
    let Some(mut rest) = column else {
        return Ok(Vec::new());
    };
    let mut headers = Vec::new();
    while !rest.is_empty() {
        let name = take(&mut rest, 2)?;
        let name = take(
            &mut rest,
            usize::from(u16::from_be_bytes([name[0], name[1]])),
        )?;
        let name = std::str::from_utf8(name)?.to_owned();
        let len = take(&mut rest, 4)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        headers.push((name, take(&mut rest, len)?.to_vec()));
    }
    Ok(headers)
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> anyhow::Result<&'a [u8]> {
    anyhow::ensure!(rest.len() >= n, "stored headers end too early");
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back_as_written_and_none_is_null() {
        assert_eq!(encode(&[]).unwrap(), None);
        assert!(decode(None).unwrap().is_empty());
        let headers = vec![
            ("origin-topic".to_owned(), b"auction.commands".to_vec()),
            ("empty".to_owned(), Vec::new()),
            ("bytes".to_owned(), vec![0, 255, 10]),
            ("origin-topic".to_owned(), b"again".to_vec()),
        ];
        let column = encode(&headers).unwrap().unwrap();
        assert_eq!(decode(Some(&column)).unwrap(), headers);
        assert!(
            decode(Some(&column[..column.len() - 1])).is_err(),
            "cut short"
        );
    }
}
