//! restXml error documents for the services orgsim does not emulate (S3 Control,
//! Route 53, CloudFront, …), in both of the protocol's forms (botocore's `RestXMLParser`
//! reads either): S3's bare `<Error>` and the `<ErrorResponse>` the others send.

use axum::body::Body;
use axum::http::{HeaderValue, Response};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::api::{ApiError, Fault};
use crate::protocol::respond;

/// Which of the two restXml error documents a service sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStyle {
    /// S3: `<Error><Code/><Message/><RequestId/></Error>`, request id also in
    /// `x-amz-request-id`.
    S3,
    /// Route 53, CloudFront, S3 Control:
    /// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
    ErrorResponse,
}

/// Renders an error as the service's restXml error document.
pub fn encode_error_document(
    style: ErrorStyle,
    error: &ApiError,
    request_id: &str,
) -> Response<Body> {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    match style {
        ErrorStyle::S3 => {
            let _ = w.write_event(Event::Start(BytesStart::new("Error")));
            write_text(&mut w, "Code", &error.code);
            write_text(&mut w, "Message", &error.message);
            write_text(&mut w, "RequestId", request_id);
            let _ = w.write_event(Event::End(BytesEnd::new("Error")));
        }
        ErrorStyle::ErrorResponse => {
            let _ = w.write_event(Event::Start(BytesStart::new("ErrorResponse")));
            let _ = w.write_event(Event::Start(BytesStart::new("Error")));
            let fault = match error.fault {
                Fault::Sender => "Sender",
                Fault::Receiver => "Receiver",
            };
            write_text(&mut w, "Type", fault);
            write_text(&mut w, "Code", &error.code);
            write_text(&mut w, "Message", &error.message);
            let _ = w.write_event(Event::End(BytesEnd::new("Error")));
            write_text(&mut w, "RequestId", request_id);
            let _ = w.write_event(Event::End(BytesEnd::new("ErrorResponse")));
        }
    }
    let mut response = respond(error.status, "application/xml", w.into_inner(), request_id);
    if style == ErrorStyle::S3 {
        if let Ok(value) = HeaderValue::from_str(request_id) {
            response.headers_mut().insert("x-amz-request-id", value);
        }
    }
    response
}

fn write_text(w: &mut Writer<Vec<u8>>, tag: &str, text: &str) {
    let _ = w.write_event(Event::Start(BytesStart::new(tag)));
    let _ = w.write_event(Event::Text(BytesText::new(text)));
    let _ = w.write_event(Event::End(BytesEnd::new(tag)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::tests::body_text;

    #[test]
    fn both_error_documents() {
        let error = ApiError::new("NotImplemented", 501, "not <here>");
        let s3 = encode_error_document(ErrorStyle::S3, &error, "rid-1");
        assert_eq!(s3.status(), 501);
        assert_eq!(s3.headers()["x-amz-request-id"], "rid-1");
        assert_eq!(
            body_text(s3),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NotImplemented</Code><Message>not &lt;here&gt;</Message><RequestId>rid-1</RequestId></Error>"
        );
        let other = encode_error_document(ErrorStyle::ErrorResponse, &error, "rid-2");
        assert_eq!(
            body_text(other),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error><Type>Receiver</Type><Code>NotImplemented</Code><Message>not &lt;here&gt;</Message></Error><RequestId>rid-2</RequestId></ErrorResponse>"
        );
    }
}
