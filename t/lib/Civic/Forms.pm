package Civic::Forms;

# Helpers for the forms tests: the SPEC's feedback form, fetching a page's
# form token, and multipart bodies.

use strict;
use warnings;
use Exporter 'import';

our @EXPORT_OK = qw(feedback_form token_of multipart urlencode png_bytes jpeg_bytes);

# The SPEC's example form, with options for the test: min_fill_time and
# confirm as given; json_submissions as given, `on` unless told (most tests
# post JSON as scripts do; forms_submit.t tests the default, `token`).
sub feedback_form {
    my (%o) = @_;
    my $min_fill = $o{min_fill} // '0';
    my $confirm = $o{confirm} // 'redirect=/kiitos';
    my $name = $o{name} // 'feedback';
    my $json = $o{json} // 'on';
    return <<"END";
    civic_form $name {
        json_submissions $json;
        title      fi "Palaute kaupungille";
        title      sv "Respons till staden";
        title      en "Feedback to the city";
        languages  fi sv en;
        retention  30d;
        receipt_prefix PAL;
        confirm    $confirm;
        honeypot   website;
        min_fill_time $min_fill;

        field name text {
            required;
            max_length 200;
            label fi "Nimi";
            label sv "Namn";
            label en "Name";
        }
        field email email { required; label fi "Sähköposti"; label en "Email"; }
        field topic select {
            required;
            label fi "Aihe";
            label en "Topic";
            option roads  fi "Kadut"   sv "Gator" en "Streets";
            option parks  fi "Puistot" en "Parks";
            option other  fi "Muu"     en "Other";
        }
        field other_topic text { required_if topic=other; label en "Other topic"; }
        field message textarea { required; max_length 5000; label fi "Viesti"; label en "Message"; }
        field postcode text { pattern "^[0-9]{5}\$"; pattern_message en "Five digits"; label en "Postcode"; }
        field hetu national_id { country FI; label en "Personal identity code"; }
        field photo file { max_size 5k; accept image/jpeg image/png; label en "Photo"; }
        field consent consent { required; label fi "Hyväksyn"; label en "I agree that ..."; }
    }
END
}

sub token_of {
    my ($html) = @_;
    my ($token) = $html =~ /name="_token" value="([^"]+)"/;
    return $token;
}

sub urlencode {
    my (@pairs) = @_;
    my @out;
    while (my ($k, $v) = splice(@pairs, 0, 2)) {
        for ($k, $v) {
            my $s = $_;
            utf8::encode($s) if utf8::is_utf8($s);
            $s =~ s/([^A-Za-z0-9\-._~ ])/sprintf('%%%02X', ord $1)/ge;
            $s =~ s/ /+/g;
            $_ = $s;
        }
        push @out, "$k=$v";
    }
    return join '&', @out;
}

# multipart(boundary, [name => value] or [name => {filename, type, content}] ...)
sub multipart {
    my ($boundary, @parts) = @_;
    my $body = '';
    while (my ($name, $value) = splice(@parts, 0, 2)) {
        # Text as UTF-8 bytes (the test files "use utf8").
        utf8::encode($value) if !ref $value && utf8::is_utf8($value);
        $body .= "--$boundary\r\n";
        if (ref $value) {
            $body .= qq{Content-Disposition: form-data; name="$name"; filename="$value->{filename}"\r\n};
            $body .= "Content-Type: $value->{type}\r\n" if $value->{type};
            $body .= "\r\n$value->{content}\r\n";
        } else {
            $body .= qq{Content-Disposition: form-data; name="$name"\r\n\r\n$value\r\n};
        }
    }
    return $body . "--$boundary--\r\n";
}

# A real 1x1 PNG and the start of a JPEG (enough for libmagic).
sub png_bytes {
    return pack('H*', '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154'
        . '789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082');
}

sub jpeg_bytes { return "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" . ("\0" x 32) }

1;
