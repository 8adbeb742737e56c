// One-shot (compose service `mongo-init`): make the `mongo` container the single member of
// replica set rs0. Idempotent: an already-initiated set is left as it is. Exits 0 once the
// member is PRIMARY, 1 if that does not happen within two minutes.
// Run as: mongosh --nodb --quiet /mongo-init.js
const HOST = 'mongo:27017';
const URI = `mongodb://${HOST}/admin?directConnection=true&serverSelectionTimeoutMS=2000`;
const CONFIG = { _id: 'rs0', members: [{ _id: 0, host: HOST }] };
const deadline = Date.now() + 120 * 1000;

function waitFor(what, probe) {
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      if (probe()) return;
    } catch (err) {
      lastError = err;
    }
    sleep(1000);
  }
  print(`mongo-init: timed out waiting for ${what}: ${lastError}`);
  quit(1);
}

let admin;
waitFor(`mongod at ${HOST}`, () => {
  admin = connect(URI);
  return admin.runCommand({ ping: 1 }).ok;
});

let reply;
try {
  reply = admin.runCommand({ replSetInitiate: CONFIG });
} catch (err) {  // mongosh may throw a server error instead of returning { ok: 0 }
  reply = { ok: 0, code: err.code, codeName: err.codeName, errmsg: err.message };
}
if (reply.ok) {
  print('mongo-init: replica set rs0 initiated');
} else if (reply.codeName === 'AlreadyInitialized' || reply.code === 23) {
  print('mongo-init: replica set rs0 already initiated');
} else {
  print(`mongo-init: replSetInitiate failed: ${JSON.stringify(reply)}`);
  quit(1);
}

waitFor('a PRIMARY', () => admin.runCommand({ hello: 1 }).isWritablePrimary === true);
print('mongo-init: PRIMARY ready');
quit(0);
