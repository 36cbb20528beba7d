# Civic::ApacheConf, the harness's translation of a test's nginx
# configuration into Apache httpd's (CIVIC_SERVER=apache): what it writes,
# which nginx line each Apache line comes from, and what it refuses rather
# than drop. No server runs here.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Civic::ApacheConf;

sub translate { Civic::ApacheConf::translate(@_) }

my $r = translate(<<'END');
    civic_store /srv/store create max_size=64m;
    civic_feed_cache 8m;
    civic_calendar culture { languages fi sv; timezone "Europe/Helsinki"; }
    civic_form feedback {
        languages fi en;
        title fi "Palaute; kiitos";
        field name text { required; label en "Name"; }
        step one {
            fields name;
        }
    }
    server {
        listen 127.0.0.1:8080 reuseport;
        location /calendars/ { civic_calendars; }
        location /forms/ { client_max_body_size 64k; civic_forms; civic_form_layout site.html; }
        location /admin/ { client_max_body_size 0; civic_admin; }
        location / { root /srv/site; }
    }
END
is($r->{untranslatable}, undef, 'a configuration of civic directives translates');
is($r->{text}, <<'END', 'into Apache\'s words, a setting a line');
CivicStore /srv/store create max_size=64m
CivicFeedCache 8m
<CivicCalendar culture>
    languages fi sv
    timezone "Europe/Helsinki"
</CivicCalendar>
<CivicForm feedback>
    languages fi en
    title fi "Palaute; kiitos"
    <CivicField name text>
        required
        label en "Name"
    </CivicField>
    <CivicStep one>
        fields name
    </CivicStep>
</CivicForm>
Listen 127.0.0.1:8080
DocumentRoot /srv/site
<Location />
    # root: DocumentRoot below
</Location>
<Location /forms/>
    SetHandler civic-forms
    CivicFormLayout site.html
    LimitRequestBody 65536
</Location>
<Location /admin/>
    SetHandler civic-admin
    LimitRequestBody 0
</Location>
<Location /calendars/>
    SetHandler civic-calendars
    LimitRequestBody 1048576
</Location>
END
is_deeply($r->{listen}, ['127.0.0.1:8080'], 'the address to listen on');
# Each Apache line names the nginx line of its ";", "{" or "}".
is_deeply([ @{ $r->{lines} }[0 .. 16] ], [1, 2, 3, 3, 3, 3, 4, 5, 6, 7, 7, 7, 7, 8, 9, 10, 11],
          'each line is mapped to the nginx line it comes from');

# A setting over two lines (a ";" missing) stays one setting, on the line
# nginx would name: that of the ";".
$r = translate("civic_calendar x {\n    languages fi\n    timezone UTC;\n}\n", first_line => 10);
is($r->{text}, "<CivicCalendar x>\n    languages fi timezone UTC\n</CivicCalendar>\n", 'a missing ";" is kept');
is_deeply($r->{lines}, [10, 12, 13], 'with nginx\'s lines, from first_line');

# client_max_body_size from http{} and server{}; two servers are two vhosts.
$r = translate(<<'END');
client_max_body_size 2m;
server { listen 127.0.0.1:1; location /a/ { civic_forms; } }
server { listen 127.0.0.1:2; client_max_body_size 3k; location /b/ { civic_admin; } }
END
like($r->{text}, qr{<VirtualHost 127\.0\.0\.1:1>\s*<Location /a/>\s*SetHandler civic-forms\s*LimitRequestBody 2097152\s*</Location>\s*</VirtualHost>},
     'http{}\'s size in the first server, a vhost of its own');
like($r->{text}, qr{LimitRequestBody 3072}, 'the second server\'s own');
is_deeply($r->{listen}, ['127.0.0.1:1', '127.0.0.1:2'], 'both addresses');

# Access logs and their formats; error_page 413 to a civic location.
$r = translate(<<'END');
log_format pids '$pid $uri';
server {
    listen 127.0.0.1:1;
    access_log /tmp/pids.log pids;
    location /forms/ { error_page 413 @big; civic_forms; }
    location @big { civic_forms; }
}
END
like($r->{text}, qr{^CustomLog /tmp/pids\.log "%P %U"$}m, 'log_format variables as mod_log_config\'s');
like($r->{text}, qr{# error_page 413 \@big: mod_civic answers these itself}, 'a 413 left to mod_civic');
unlike($r->{text}, qr{\@big>}, 'the named location is not a Location');

# What has no translation is refused, naming it.
for my $case (['server { listen 127.0.0.1:1; location /x/ { proxy_pass http://a; } }', qr/"proxy_pass" in a location/],
              ["log_format r '\$civic_receipt';", qr/\$civic_receipt/],
              ['civic_store /s thread_pool=x;', qr/thread_pool=/],
              ['server { listen 127.0.0.1:1 ssl; }', qr/listen parameter "ssl"/],
              ['gzip on;', qr/"gzip"/],
              ['server { listen 127.0.0.1:1; location @x { civic_forms; } location /f/ { error_page 404 @y; civic_forms; } }',
               qr/error_page 404 \@y/],
              ['civic_calendar x { languages fi; ', qr/nginx syntax/]) {
    my ($text, $why) = @$case;
    like(translate($text)->{untranslatable} // '', $why, "refused: $text");
}

done_testing;
