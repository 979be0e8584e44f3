//! 窗口预约: booking the one trip of a matter on the negative list at a hall's window.

use serde::{Deserialize, Serialize};

use crate::counter::CounterCode;

/// One slot of a day, with the seats left.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotView {
    /// `HH:MM`, China time.
    pub start: String,
    pub end: String,
    /// Seats anyone may book now.
    pub left: u32,
    /// Seats left for the green channel (70 and over, disabled, pregnant), kept back from
    /// `left` until they are released an hour before.
    pub priority_left: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySlots {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub slots: Vec<SlotView>,
}

/// A hall's window that handles the matter, with its bookable days.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowSlots {
    pub hall: String,
    pub hall_name: String,
    pub address: String,
    pub window: String,
    pub window_name: String,
    /// The addresses and times are examples (示例).
    pub illustrative: bool,
    pub days: Vec<DaySlots>,
}

/// `GET /matters/{code}/slots`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slots {
    pub matter: String,
    pub matter_name: String,
    /// Why the trip is needed (负面清单).
    pub trip_reason: String,
    /// Cancel at least this many minutes before the slot.
    pub cancel_minutes: u32,
    pub windows: Vec<WindowSlots>,
}

/// `POST /bookings`: who books which slot. Identity and mobile numbers travel only in this
/// body; the server keeps their digests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub matter: String,
    pub hall: String,
    pub window: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub start: String,
    pub name: String,
    pub id_number: String,
    pub mobile: String,
    /// 绿色通道: `disabled` or `pregnant` (declared, checked at the window); 70 and over is
    /// read from the identity number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub green_channel: Option<String>,
}

/// A booking as its confirmation page shows it (`GET /bookings/{token}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingView {
    pub token: String,
    /// `active`, `cancelled`, `arrived`, or `missed` (the slot passed without an arrival).
    pub status: String,
    pub status_label: String,
    pub matter: String,
    pub matter_name: String,
    pub hall_name: String,
    pub address: String,
    pub window_name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    /// Masked (张*).
    pub name: String,
    pub green_channel: bool,
    /// What to bring (带齐材料): the matter's materials and the reason for the trip.
    pub bring: Vec<String>,
    /// The check-in QR code: shown at the hall's window.
    pub checkin: CounterCode,
    /// Cancel until then (China time, RFC 3339); absent once it cannot be cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_until: Option<String>,
}

/// A booking as the window sees it after scanning its check-in code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffBooking {
    pub id: String,
    pub status: String,
    pub status_label: String,
    pub matter_name: String,
    pub hall_name: String,
    pub window_name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub name: String,
    pub green_channel: bool,
    pub bring: Vec<String>,
}
