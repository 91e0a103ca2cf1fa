//! The USB sticks (U 盘) plugged into this PC, as the window offers them for
//! 数据交换, 备份 and joining a center: the removable file systems the desktop
//! mounted under `/media` or `/run/media` (or an administrator under
//! `/mnt`). Choosing one in the window replaces the system's folder dialog,
//! which follows the PC's language and may not fit a 768-pixel screen.

use serde::Serialize;

/// A mounted stick: the name the desktop gave it and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stick {
    pub label: String,
    pub path: String,
}

/// The sticks mounted now (none on a PC that cannot tell).
pub fn sticks() -> Vec<Stick> {
    std::fs::read_to_string("/proc/self/mounts")
        .map(|m| parse(&m))
        .unwrap_or_default()
}

/// File systems a USB stick or card carries.
const STICK_TYPES: [&str; 8] = [
    "vfat", "exfat", "ntfs", "ntfs3", "fuseblk", "ext4", "ext3", "ext2",
];

/// Reads `/proc/self/mounts`: one line per mount, fields separated by
/// spaces, with spaces in paths written as `\040`.
fn parse(mounts: &str) -> Vec<Stick> {
    let mut out: Vec<Stick> = mounts
        .lines()
        .filter_map(|line| {
            let mut f = line.split(' ');
            let (_device, point, kind) = (f.next()?, f.next()?, f.next()?);
            let path = unescape(point);
            let removable = ["/media/", "/run/media/", "/mnt/"]
                .iter()
                .any(|root| path.starts_with(root) && path.len() > root.len());
            if !removable || !STICK_TYPES.contains(&kind) {
                return None;
            }
            let label = path.rsplit('/').next().unwrap_or(&path).to_owned();
            Some(Stick { label, path })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Undoes the octal escapes of the mounts file (`\040` is a space).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removable_file_systems_under_media_are_sticks() {
        let mounts = "\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/sdb1 /media/wang/KINGSTON vfat rw,nosuid,nodev 0 0
/dev/sdc1 /run/media/li/\\344\\270\\255\\345\\277\\203\\040U\\347\\233\\230 exfat rw 0 0
/dev/sdd1 /mnt/backup ext4 rw 0 0
tmpfs /media tmpfs rw 0 0
/dev/sde1 /home/wang/stick vfat rw 0 0
";
        let found = parse(mounts);
        assert_eq!(
            found,
            [
                Stick {
                    label: "KINGSTON".into(),
                    path: "/media/wang/KINGSTON".into()
                },
                Stick {
                    label: "backup".into(),
                    path: "/mnt/backup".into()
                },
                Stick {
                    label: "中心 U盘".into(),
                    path: "/run/media/li/中心 U盘".into()
                },
            ]
        );
    }
}
