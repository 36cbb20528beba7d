# GET /admin/status, the admin location's other answers, what survives a
# restart, and two workers answering from one store.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;

my $t = Civic::Test->new(workers => 2, http => <<'END');
    civic_store %%STORE%% max_size=32m;
    server {
        listen %%ADDR%% reuseport;
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $r = $t->get('/admin/status');
is($r->{status}, 200, 'GET /admin/status is 200');
is($r->{headers}{'content-type'}, 'application/json', 'as JSON');
my $s = decode_json($r->{content});
is($s->{store}{path}, $t->store, 'it names the store path');
is($s->{store}{map_size}, 32 * 1024 * 1024, 'it gives the map size from max_size');
ok($s->{store}{used_bytes} > 0 && $s->{store}{used_bytes} <= $s->{store}{map_size}, 'bytes used is within the map');
is($s->{store}{schema_version}, 3, 'it gives the schema version');
like($s->{store}{id}, qr/^[0-9a-f]{32}$/, 'the store has an id');
ok(exists $s->{store}{readers}{in_use}, 'readers in use are reported');
is($s->{store}{readers}{max}, 1024, 'the reader table size is reported');
is_deeply($s->{calendars}, {}, 'no calendars yet');
is_deeply($s->{forms}, {}, 'no forms yet');
my %workers = map { $_ => 1 } $t->worker_pids;
ok($workers{ $s->{pid} }, 'pid is one of the worker processes');
my $id = $s->{store}{id};

my $h = $t->head('/admin/status');
is($h->{status}, 200, 'HEAD /admin/status is 200');
is($h->{content} // '', '', 'HEAD has no body');
ok($h->{headers}{'content-length'} > 0, 'HEAD gives the length of the body');

for my $path ('/admin/', '/admin/nothing', '/admin/status/x', '/admin/statusx') {
    $r = $t->get($path);
    is($r->{status}, 404, "GET $path is 404");
    is_deeply(eval { decode_json($r->{content}) }, { error => 'no such admin resource' },
              "with a JSON error body ($path)");
}

for my $method (qw(POST PUT DELETE PATCH)) {
    $r = $t->request($method, '/admin/status', content => '{}');
    is($r->{status}, 405, "$method /admin/status is 405");
    is($r->{headers}{allow}, 'GET, HEAD', 'Allow lists GET and HEAD');
    like(eval { decode_json($r->{content})->{error} } // '', qr/method not allowed/, 'with a JSON error body');
}

# Both workers answer, from the same store.
my %seen;
for (1 .. 200) {
    my $x = $t->get('/admin/status');
    my $j = decode_json($x->{content});
    $seen{ $j->{pid} } = $j->{store}{id};
    last if keys %seen >= 2;
}
is(scalar keys %seen, 2, 'two workers answered');
is_deeply([ sort values %seen ], [ $id, $id ], 'both read the same store');

# What was written survives a restart.
$t->restart;
$r = $t->get('/admin/status');
$s = decode_json($r->{content});
is($s->{store}{id}, $id, 'the store id is the same after a restart');
ok(!$workers{ $s->{pid} }, 'answered by a new worker');

done_testing;
