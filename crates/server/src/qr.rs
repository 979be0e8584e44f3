//! QR codes as PNG images, drawn here (server side only; the app never links this): black
//! modules on white, a quiet zone of four modules, each module a whole number of pixels.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the code, as the QR standard asks for reliable scanning.
pub const QUIET_ZONE: usize = 4;
/// The image is at least this wide, so a phone reads it from a printed page or another screen.
pub const MIN_PX: usize = 240;

/// The code for `text` (error correction M, which survives a crease or a smudge).
pub fn code(text: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| e.to_string())
}

/// Pixels per module: the smallest whole number that makes the image at least `MIN_PX` wide.
pub fn scale(modules: usize) -> usize {
    let total = modules + 2 * QUIET_ZONE;
    MIN_PX.div_ceil(total).max(1)
}

/// A 1-bit greyscale PNG of the QR code of `text`.
pub fn png(text: &str) -> Result<Vec<u8>, String> {
    let code = code(text)?;
    let width = code.width();
    let colors = code.to_colors();
    let scale = scale(width);
    let side = (width + 2 * QUIET_ZONE) * scale;
    let row_bytes = side.div_ceil(8);
    // 1 is white in a 1-bit greyscale image: start white, then clear the dark modules' bits.
    let mut pixels = vec![0xFF_u8; row_bytes * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % width, i / width);
        for y in (my + QUIET_ZONE) * scale..(my + QUIET_ZONE + 1) * scale {
            for x in (mx + QUIET_ZONE) * scale..(mx + QUIET_ZONE + 1) * scale {
                pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let side = u32::try_from(side).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_is_wide_enough_and_square_on_whole_modules() {
        for text in ["https://yici.example.cn/c/7KQ2M9XA3T", &"x".repeat(300)] {
            let bytes = png(text).unwrap();
            let modules = code(text).unwrap().width() + 2 * QUIET_ZONE;
            let reader = png::Decoder::new(std::io::Cursor::new(&bytes))
                .read_info()
                .unwrap();
            let info = reader.info();
            assert_eq!(info.width, info.height);
            assert!(info.width as usize >= MIN_PX, "{}", info.width);
            assert_eq!(info.width as usize % modules, 0);
        }
    }
}
